import type { RuntimeMetrics } from '../runtime/runtime.js';

/**
 * Jobs the node takes beyond the runtime's slots (its `max_num_seqs`): vLLM queues them and
 * starts one the moment a slot frees, so no slot idles while the next job is on its way from
 * the network. One eighth of the slots, at least 2: 16 slots → 2, 64 → 8, 256 → 32. A queued
 * job waits about window ÷ slots of one job's time, far inside any deadline.
 */
export function windowFor(slots: number): number {
  return Math.max(2, Math.ceil(slots / 8));
}

/**
 * Sizes what the node advertises (`session_open.max_concurrency`) from the runtime's own
 * metrics: the configured slots plus the window while the runtime runs every slot, but only
 * what it really runs plus the window once it shows it cannot (more requests waiting than the
 * window while fewer than its slots run, as when vLLM's KV cache is full) — otherwise queued
 * jobs would wait towards their deadlines.
 */
export class QueueWindow {
  /** The most requests the runtime was seen running while more than a window waited. */
  private limit: number | null = null;

  observe(m: Pick<RuntimeMetrics, 'running' | 'waiting'>, slots: number): void {
    if (m.running === null || m.waiting === null || m.running < 1) return;
    if (m.running >= slots) this.limit = null;
    else if (m.waiting > windowFor(m.running)) this.limit = m.running;
    // It runs more than the limit with nothing waiting: it has room again, probe upwards.
    else if (this.limit !== null && m.waiting === 0 && m.running > this.limit)
      this.limit = m.running;
  }

  /** Jobs to advertise for a runtime configured with `slots`. */
  concurrency(slots: number): number {
    const runs = Math.max(1, Math.min(slots, this.limit ?? slots));
    return Math.min(1024, runs + windowFor(runs));
  }
}
