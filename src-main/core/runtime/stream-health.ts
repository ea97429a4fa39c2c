import type { Clock } from '../clock.js';
import { RuntimeError, type StreamFault } from './runtime.js';

export interface StreamHealthOptions {
  clock: Clock;
  /** Runaway or stalled streams in a row that make the runtime unhealthy. Default 3. */
  faultLimit?: number;
  /** How long the runtime then stays unhealthy, whatever /health says. Default 60 s. */
  holdMs?: number;
}

/** What one inference says about the runtime's health. */
export type StreamVerdict =
  | { kind: 'fine' }
  /** Nothing listens: unhealthy at once, until a health check gets an answer again. */
  | { kind: 'refused'; detail: string }
  /** Enough runaway/stalled streams in a row: unhealthy for the hold period. */
  | { kind: 'unwell'; detail: string };

/**
 * Counts inference streams against the runtime's health: `/health` answering is not enough
 * when streams run past max_tokens or go silent mid-answer, and a refused connection is proof
 * enough that the runtime is down (no need to wait for the next health check).
 */
export class StreamHealth {
  private inARow = 0;
  private heldUntil = 0;
  private heldDetail = '';

  constructor(private readonly opts: StreamHealthOptions) {}

  /** Records how a stream ended (null: it finished normally). */
  record(err: unknown): StreamVerdict {
    const fault: StreamFault | null = err instanceof RuntimeError ? err.fault : null;
    if (err === null) this.inARow = 0;
    if (fault === 'refused') return { kind: 'refused', detail: (err as Error).message };
    if (fault !== 'runaway' && fault !== 'stalled') return { kind: 'fine' };
    this.inARow++;
    if (this.inARow < (this.opts.faultLimit ?? 3)) return { kind: 'fine' };
    this.inARow = 0;
    this.heldUntil = this.opts.clock.now() + (this.opts.holdMs ?? 60_000);
    const n = this.opts.faultLimit ?? 3;
    const holdS = Math.round((this.opts.holdMs ?? 60_000) / 1000);
    this.heldDetail =
      `The runtime's last ${n} answers ran past max_tokens or stalled mid-answer (latest: ${(err as Error).message}) ` +
      `The node takes no jobs for ${holdS} s, then tries again; restart the runtime if this repeats.`;
    return { kind: 'unwell', detail: this.heldDetail };
  }

  /** While held, the reason the runtime must stay unhealthy; null otherwise. */
  held(): string | null {
    return this.opts.clock.now() < this.heldUntil ? this.heldDetail : null;
  }
}
