import type { Clock } from '../clock.js';

/** A slot freed longer ago than this without a new job: the network had none, not a slow refill. */
export const MAX_REFILL_MS = 2_000;
/** Refill times kept (about ten seconds of a busy 64-slot runtime). */
const GAPS_KEPT = 2_048;
/** Results kept to tell the completion rate. */
const RESULTS_KEPT = 512;

/** What the queue window is sized from (see queue-window.ts). */
export interface RefillFigures {
  /** Results a second, over the last results. */
  perSecond: number;
  /** The 95th percentile of the refill time: a job's result to the next assignment, ms. */
  refillMs: number;
  /** The median and 99th percentile, for the log. */
  p50Ms: number;
  p99Ms: number;
  /** How many refill times that percentile is taken over. */
  samples: number;
}

/**
 * How long a slot the node holds stays empty: from a result sent while the node held all the
 * jobs it announced (the network owes it one) to the next assignment. That is the latency the
 * queue window must cover — network round trip, the network's dispatch, the node's own delays —
 * measured where it happens, with nothing added to the wire. A slot left empty longer than
 * MAX_REFILL_MS means the network had nothing to send, and is not counted.
 */
export class RefillMeter {
  private announced = 0;
  private held = 0;
  /** When each slot the network still owes was freed, oldest first. */
  private owed: number[] = [];
  private readonly gaps: number[] = [];
  private gapAt = 0;
  private readonly results: number[] = [];
  private resultAt = 0;

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  /** Jobs the node holds now. */
  get holding(): number {
    return this.held;
  }

  /** A new session announced `maxConcurrency` while the node held `held` jobs (kept across it). */
  announce(maxConcurrency: number, held: number): void {
    this.announced = maxConcurrency;
    this.held = held;
    this.owed = [];
  }

  /** A job assignment arrived (accepted or not, it took one of the announced jobs). */
  assigned(): void {
    const now = this.clock.now();
    this.held++;
    while (this.owed.length > 0) {
      const freed = this.owed.shift()!;
      if (now - freed > MAX_REFILL_MS) continue;
      this.push(this.gaps, GAPS_KEPT, this.gapAt++, now - freed);
      break;
    }
  }

  /** A job left the node (result sent, refused or cancelled): its slot is free for the next. */
  released(): void {
    const now = this.clock.now();
    // Owed only when every announced job was held or already owed: else the network had no work.
    if (this.announced > 0 && this.held + this.owed.length >= this.announced) this.owed.push(now);
    this.held = Math.max(0, this.held - 1);
    this.push(this.results, RESULTS_KEPT, this.resultAt++, now);
  }

  /** The figures, or null until there are enough refill times to say anything. */
  figures(minSamples = 64): RefillFigures | null {
    if (this.gaps.length < minSamples || this.results.length < 2) return null;
    const sorted = [...this.gaps].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
    const refillMs = at(0.95);
    const first = Math.min(...this.results);
    const span = this.clock.now() - first;
    if (span <= 0) return null;
    const perSecond = (this.results.length * 1000) / span;
    return { perSecond, refillMs, p50Ms: at(0.5), p99Ms: at(0.99), samples: sorted.length };
  }

  private push(ring: number[], size: number, index: number, value: number): void {
    if (ring.length < size) ring.push(value);
    else ring[index % size] = value;
  }
}
