import type { z } from 'zod';
import { openEnvelope, type Envelope, type VerifyOptions } from '../../core/protocol/envelope.js';
import { ProtocolError } from '../../core/protocol/errors.js';
import { NonceCache } from '../../core/protocol/nonce-cache.js';
import type { Clock } from '../../core/clock.js';
import type { ConfigService } from './config-service.js';
import type { Faults } from './faults.js';
import type { JobLedger } from './ledger.js';
import type { NodeRecord } from './registry.js';

/**
 * Opens node envelopes with the protocol's own checks (shape, version, signature, skew, nonce),
 * judged against the devnet's (possibly skewed) clock, and counts every refusal. A known node's
 * signature is checked against its registered key; an unknown signer is recovered.
 */
export class EnvelopeGate {
  private readonly nonces: NonceCache;

  constructor(
    private readonly config: ConfigService,
    private readonly faults: Faults,
    private readonly ledger: JobLedger,
    private readonly clock: Clock,
  ) {
    this.nonces = new NonceCache(config.effective.ttl.clock_skew_ms);
  }

  /** Server time as nodes are told it (skewed under the clock_skew fault). */
  serverTime(): number {
    return this.clock.now() + this.faults.skewMs;
  }

  open<S extends z.ZodType>(
    raw: unknown,
    schema: S,
    type: string,
    node?: NodeRecord,
  ): Envelope<z.infer<S>> {
    const opts: VerifyOptions = {
      nowMs: this.serverTime(),
      skewMs: this.config.effective.ttl.clock_skew_ms,
      nonces: this.nonces,
      expectType: type,
    };
    if (node) {
      opts.expectNodeId = node.nodeId;
      opts.verifySignature = (payload, sig) => node.checkSignature(payload, sig);
    }
    try {
      return openEnvelope(raw, schema, opts);
    } catch (err) {
      this.count(err, node);
      throw err;
    }
  }

  count(err: unknown, node?: NodeRecord): void {
    if (!(err instanceof ProtocolError)) return;
    this.ledger.counters.envelopes_rejected++;
    if (err.code === 'bad_signature' || err.code === 'wrong_signer') {
      this.ledger.counters.signatures_rejected++;
      if (node) this.ledger.node(node.nodeId.toLowerCase()).signatures_rejected++;
    }
  }
}
