import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonical.js';
import {
  BadSignatureError,
  FutureTimestampError,
  MalformedMessageError,
  ReplayedNonceError,
  StaleTimestampError,
  WrongSignerError,
} from './errors.js';
import type { NonceCache } from './nonce-cache.js';
import { parseOrThrow } from './parse.js';
import { HexSignature, RawAddress } from './schemas/common.js';
import { recoverSigner, sameAddress, type MessageSigner } from './signer.js';
import { assertSupportedVersion, PROTOCOL_VERSION } from './version.js';

/**
 * Every node-originated message travels in this envelope. The signature covers the canonical
 * JSON (RFC 8785) of every field but `sig`, including `type`, so a body cannot be replayed as
 * another kind of message.
 */
export const Envelope = z.looseObject({
  v: z.string(),
  type: z.string().min(1).max(64),
  node_id: RawAddress,
  ts: z.number().int().nonnegative(),
  nonce: z.string().regex(/^[0-9a-f]{16,64}$/, 'nonce must be 16–64 lowercase hex characters'),
  body: z.unknown(),
  sig: HexSignature,
});
// Spelled out: Omit over a loose object's index signature would turn every field into unknown.
export interface Envelope<B = unknown> {
  v: string;
  type: string;
  node_id: string;
  ts: number;
  nonce: string;
  body: B;
  sig: string;
  [extra: string]: unknown;
}

export interface Clock {
  now(): number;
}

export const DEFAULT_SKEW_MS = 60_000;

export function signingPayload(env: Omit<Envelope, 'sig'>): string {
  return canonicalJson({
    v: env.v,
    type: env.type,
    node_id: env.node_id,
    ts: env.ts,
    nonce: env.nonce,
    body: env.body,
  });
}

/** Random bytes drawn 4 KiB at a time: one system call per 341 nonces, not one each. */
const noncePool = { bytes: Buffer.alloc(0), at: 0 };

export function newNonce(): string {
  if (noncePool.at + 12 > noncePool.bytes.length) {
    noncePool.bytes = randomBytes(4096);
    noncePool.at = 0;
  }
  const nonce = noncePool.bytes.toString('hex', noncePool.at, noncePool.at + 12);
  noncePool.at += 12;
  return nonce;
}

export function signEnvelope<B>(
  signer: MessageSigner,
  type: string,
  body: B,
  clock: Clock,
  nonce: string = newNonce(),
): Envelope<B> {
  const unsigned = unsignedEnvelope(signer, type, body, clock, nonce);
  return { ...unsigned, sig: signer.signMessage(signingPayload(unsigned)) };
}

function unsignedEnvelope<B>(
  signer: MessageSigner,
  type: string,
  body: B,
  clock: Clock,
  nonce: string,
) {
  return { v: PROTOCOL_VERSION, type, node_id: signer.address, ts: clock.now(), nonce, body };
}

/**
 * The same envelope as `signEnvelope`, as its wire frame: the canonical text the signature
 * covers with `sig` appended as the last member. One serialisation per message instead of two
 * (canonical JSON, then JSON.stringify of the envelope); the receiver parses the frame and
 * recomputes the canonical text, so the order of members on the wire does not matter.
 */
export function signedFrame<B>(
  signer: MessageSigner,
  type: string,
  body: B,
  clock: Clock,
  nonce: string = newNonce(),
): string {
  const payload = signingPayload(unsignedEnvelope(signer, type, body, clock, nonce));
  // A canonical object always ends with its closing brace.
  return `${payload.slice(0, -1)},"sig":${JSON.stringify(signer.signMessage(payload))}}`;
}

export interface VerifyOptions {
  nowMs: number;
  skewMs?: number;
  nonces: NonceCache;
  /** When given, the message must be of this type. */
  expectType?: string;
  /** When given (a registered node), the signer must be this address as well as node_id. */
  expectNodeId?: string;
  /**
   * Checks the signature against a public key the receiver already holds (the IO service's
   * registered nodes) instead of recovering the signer, which is several times slower. Returns
   * true only for a valid signature by `nodeId`'s key over `payload`.
   */
  verifySignature?: (payload: string, sig: string, nodeId: string) => boolean;
}

/**
 * Checks an envelope received from outside: shape, version, signature over the RAW body (before
 * any schema strips unknown fields), signer = node_id, timestamp inside the skew window, nonce
 * not seen in that window. Returns the envelope with its body still unvalidated.
 */
export function verifyEnvelope(raw: unknown, opts: VerifyOptions): Envelope {
  const env = parseOrThrow(Envelope, raw, 'envelope');
  assertSupportedVersion(env.v);
  if (opts.expectType && env.type !== opts.expectType) {
    throw new MalformedMessageError(`expected a "${opts.expectType}" message, got "${env.type}"`);
  }
  if (opts.verifySignature) {
    if (opts.expectNodeId && !sameAddress(env.node_id, opts.expectNodeId)) {
      throw new WrongSignerError(
        `message claims node ${env.node_id}, expected ${opts.expectNodeId}`,
      );
    }
    if (!opts.verifySignature(signingPayload(env), env.sig, env.node_id)) {
      throw new BadSignatureError(`signature does not match the key registered for ${env.node_id}`);
    }
  } else {
    const signer = recoverSigner(signingPayload(env), env.sig);
    if (!sameAddress(signer, env.node_id)) {
      throw new WrongSignerError(`message claims node ${env.node_id} but was signed by ${signer}`);
    }
    if (opts.expectNodeId && !sameAddress(signer, opts.expectNodeId)) {
      throw new WrongSignerError(`message signed by ${signer}, expected node ${opts.expectNodeId}`);
    }
  }
  const skew = opts.skewMs ?? DEFAULT_SKEW_MS;
  const drift = env.ts - opts.nowMs;
  if (drift > skew) {
    throw new FutureTimestampError(
      `message timestamp is ${Math.round(drift / 1000)} s in the future (allowed ${skew / 1000} s): check the system clock`,
    );
  }
  if (-drift > skew) {
    throw new StaleTimestampError(
      `message timestamp is ${Math.round(-drift / 1000)} s old (allowed ${skew / 1000} s): check the system clock`,
    );
  }
  if (!opts.nonces.remember(`${env.node_id.toLowerCase()}:${env.nonce}`, env.ts, opts.nowMs)) {
    throw new ReplayedNonceError(`nonce ${env.nonce} from ${env.node_id} was already used`);
  }
  return env;
}

/** verifyEnvelope, then validate the body against its schema (unknown optional fields tolerated). */
export function openEnvelope<S extends z.ZodType>(
  raw: unknown,
  bodySchema: S,
  opts: VerifyOptions,
): Envelope<z.infer<S>> {
  const env = verifyEnvelope(raw, opts);
  return { ...env, body: parseOrThrow(bodySchema, env.body, `${env.type} body`) };
}
