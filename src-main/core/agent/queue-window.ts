import type { RuntimeMetrics } from '../runtime/runtime.js';
import type { RefillFigures } from './refill-meter.js';

/**
 * Jobs the node takes beyond the runtime's slots (its `max_num_seqs`): vLLM queues them and
 * starts one the moment a slot frees, so no slot idles while the next job is on its way from
 * the network. At least one eighth of the slots and 2: 16 slots → 2, 64 → 8, 256 → 32.
 */
export function windowFor(slots: number): number {
  return Math.max(2, Math.ceil(slots / 8));
}

/** The window covers this many times the slots freed during a 95th-percentile refill. */
export const REFILL_MARGIN = 2;
/** The window covers this many times the 95th percentile of the jobs in transit. */
export const TRANSIT_MARGIN = 1.5;
/** A queued job waits about window ÷ results a second: at most this share of its time to spare. */
export const DEADLINE_SHARE = 0.25;

/**
 * The window the measured refill asks for: the results the runtime turns out while the next
 * assignments travel (Little's law, with a margin), and more than the jobs seen in transit
 * (transit-probe.ts) — but no more than lets a queued job wait a quarter of what its time limit
 * leaves after its run (`jobs.execution_timeout_ms`).
 */
export function refillWindow(
  runs: number,
  f: RefillFigures,
  limitMs: number | null,
  transit: number | null = null,
): number {
  const need = Math.max(
    Math.ceil(f.perSecond * (f.refillMs / 1000) * REFILL_MARGIN),
    transit === null ? 0 : Math.ceil(transit * TRANSIT_MARGIN),
  );
  if (limitMs === null || f.perSecond <= 0) return need;
  // With every slot busy, one job runs about runs ÷ results a second.
  const spareS = Math.max(0, limitMs / 1000 - runs / f.perSecond);
  return Math.min(need, Math.floor(spareS * DEADLINE_SHARE * f.perSecond));
}

/** The refill must ask for half as much again as the window to grow it… */
export const GROW_STEP = 1.5;
/** …and for under a quarter of it to shrink it. */
export const SHRINK_STEP = 4;

/** What sizes the window besides the runtime's metrics (each may be unknown). */
export interface WindowInputs {
  refill: RefillFigures | null;
  /** The 95th percentile of the jobs in transit (announced − the runtime's running + waiting). */
  transit?: number | null;
  /** The snapshot's `jobs.execution_timeout_ms`: a job's time limit from its assignment. */
  limitMs: number | null;
}

/**
 * Sizes what the node advertises (`session_open.max_concurrency`) from the runtime's own
 * metrics and the refill the node measures: the configured slots plus the window while the
 * runtime runs every slot, but only what it really runs plus the window once it shows it cannot
 * (more requests waiting than the window while fewer than its slots run, as when vLLM's KV
 * cache is full) — otherwise queued jobs would wait towards their deadlines. The window grows
 * to cover the measured refill once that asks for half as much again, and shrinks only once it
 * asks for under a quarter: the refill's 95th percentile varies twofold from one heartbeat to
 * the next under load, and each change costs a session reopen.
 */
export class QueueWindow {
  /** The most requests the runtime was seen running while more than a window waited. */
  private limit: number | null = null;
  /** The window the refill asked for (0: none measured yet). */
  private grown = 0;

  observe(
    m: Pick<RuntimeMetrics, 'running' | 'waiting'>,
    slots: number,
    inputs: WindowInputs = { refill: null, limitMs: null },
  ): void {
    if (m.running !== null && m.waiting !== null && m.running >= 1) {
      if (m.running >= slots) this.limit = null;
      else if (m.waiting > this.window(m.running)) this.limit = m.running;
      // It runs more than the limit with nothing waiting: it has room again, probe upwards.
      else if (this.limit !== null && m.waiting === 0 && m.running > this.limit)
        this.limit = m.running;
    }
    if (inputs.refill === null) return;
    const want = refillWindow(
      this.runs(slots),
      inputs.refill,
      inputs.limitMs,
      inputs.transit ?? null,
    );
    // Each change reopens the session (a pause in assignments): move only for a clear change.
    const now = this.window(this.runs(slots));
    if (want >= now * GROW_STEP || want * SHRINK_STEP < this.grown) this.grown = want;
  }

  /**
   * Jobs to advertise for a runtime configured with `slots`, the window within what the network
   * lets the node hold beyond them (`jobs.max_queue_size`), unless that is under the eighth.
   */
  concurrency(slots: number, maxQueue: number | null = null): number {
    const runs = this.runs(slots);
    let window = this.window(runs);
    if (maxQueue !== null) window = Math.min(window, Math.max(windowFor(runs), maxQueue - runs));
    return Math.min(1024, runs + window);
  }

  private runs(slots: number): number {
    return Math.max(1, Math.min(slots, this.limit ?? slots));
  }

  private window(runs: number): number {
    return Math.max(windowFor(runs), this.grown);
  }
}
