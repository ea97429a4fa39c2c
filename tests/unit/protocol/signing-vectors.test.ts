import { readFileSync } from 'node:fs';
import { hexlify } from 'ethers';
import { describe, expect, it } from 'vitest';
import { NodeIdentity, personalMessageDigest } from '../../../src-main/core/identity/index.js';
import {
  NonceCache,
  signEnvelope,
  signingPayload,
  signSnapshot,
  snapshotDigest,
  snapshotSigningText,
  verifyEnvelope,
  verifySignedSnapshot,
  type ConfigSnapshot,
} from '../../../src-main/core/protocol/index.js';
import { canonicalJson } from '../../../src-main/core/protocol/canonical.js';

// Known-answer vectors: computed once with ethers' own signer and a hand-written RFC 8785
// serialiser (tests/fixtures/signing/generate-vectors.mjs), checked in, never regenerated. The
// node's signer (libsecp256k1 WASM over @noble keccak) must reproduce them byte for byte.
interface Unsigned {
  v: string;
  type: string;
  node_id: string;
  ts: number;
  nonce: string;
  body: unknown;
  [extra: string]: unknown;
}
interface Vectors {
  key: { private_key: string; address: string; public_key: string };
  envelopes: Array<{
    name: string;
    unsigned: Unsigned;
    signed_text: string;
    signed_text_utf8_bytes: number;
    digest: string;
    signature: string;
  }>;
  snapshot: {
    snapshot: ConfigSnapshot;
    canonical: string;
    config_digest: string;
    signed_text: string;
    digest: string;
    signature: string;
  };
}

const vectors = JSON.parse(
  readFileSync(
    new URL('../../fixtures/signing/known-answer-vectors.json', import.meta.url),
    'utf8',
  ),
) as Vectors;
const identity = NodeIdentity.fromPrivateKey(vectors.key.private_key);

describe('signing known-answer vectors', () => {
  it('derives the pinned address and public key from the pinned key', () => {
    expect(identity.nodeId).toBe(vectors.key.address);
    expect(identity.publicKey).toBe(vectors.key.public_key);
  });

  it('has a non-ASCII case (the EIP-191 length must count UTF-8 bytes)', () => {
    const utf8 = vectors.envelopes.filter((e) => e.signed_text_utf8_bytes > e.signed_text.length);
    expect(utf8.length).toBeGreaterThan(0);
  });

  for (const vector of vectors.envelopes) {
    describe(`envelope: ${vector.name}`, () => {
      it('signs exactly the pinned canonical text', () => {
        expect(signingPayload(vector.unsigned)).toBe(vector.signed_text);
        expect(Buffer.byteLength(vector.signed_text, 'utf8')).toBe(vector.signed_text_utf8_bytes);
      });

      it('hashes it to the pinned EIP-191 digest', () => {
        expect(hexlify(personalMessageDigest(vector.signed_text))).toBe(vector.digest);
      });

      it('produces the pinned signature bytes through signEnvelope', () => {
        const { type, body, ts, nonce } = vector.unsigned;
        const env = signEnvelope(identity, type, body, { now: () => ts }, nonce);
        expect(env.sig).toBe(vector.signature);
        expect(signingPayload(env)).toBe(vector.signed_text);
      });

      it('verifies the pinned signature as the receiving side', () => {
        const env = { ...vector.unsigned, sig: vector.signature };
        const opened = verifyEnvelope(JSON.parse(JSON.stringify(env)), {
          nowMs: vector.unsigned.ts,
          nonces: new NonceCache(60_000),
          expectNodeId: vectors.key.address,
        });
        expect(opened.sig).toBe(vector.signature);
      });
    });
  }

  describe('config snapshot', () => {
    const v = vectors.snapshot;

    it('serialises to the pinned canonical JSON and digest', () => {
      expect(canonicalJson(v.snapshot)).toBe(v.canonical);
      expect(snapshotDigest(v.snapshot)).toBe(v.config_digest);
      expect(snapshotSigningText(v.config_digest)).toBe(v.signed_text);
      expect(hexlify(personalMessageDigest(v.signed_text))).toBe(v.digest);
    });

    it('produces the pinned signature through signSnapshot', () => {
      const signed = signSnapshot(identity, v.snapshot);
      expect(signed).toEqual({
        snapshot: v.snapshot,
        config_digest: v.config_digest,
        signer: vectors.key.address,
        signature: v.signature,
      });
    });

    it('verifies the pinned signature against the pinned signer', () => {
      const raw = {
        snapshot: v.snapshot,
        config_digest: v.config_digest,
        signer: vectors.key.address,
        signature: v.signature,
      };
      const verified = verifySignedSnapshot(JSON.parse(JSON.stringify(raw)), {
        pinnedSigner: vectors.key.address,
        network: 'local',
      });
      expect(verified.digest).toBe(v.config_digest);
    });
  });
});
