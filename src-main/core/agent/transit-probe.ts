import type { Clock } from '../clock.js';
import type { RuntimeMetrics } from '../runtime/runtime.js';

/** Samples kept: a minute at one every 250 ms. */
const KEPT = 240;

/**
 * Jobs in transit: what the node announced minus what the runtime holds (running + waiting,
 * its own gauges). They are the jobs on their way — owed by the network, or held by the node
 * between the runtime and the network (a result being sent, an assignment being forwarded).
 * The runtime's slots stay full only while the window exceeds them. Read at most every
 * `everyMs`, and only while the node holds at least the runtime's slots (the network has work),
 * prompted by job results: an idle node reads nothing.
 */
export class TransitProbe {
  private readonly samples: number[] = [];
  private next = 0;
  private lastAt = -Infinity;
  private reading = false;

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly metrics: () => Promise<Pick<RuntimeMetrics, 'running' | 'waiting'>>,
    private readonly everyMs = 250,
  ) {}

  /** A job result went out: read the runtime if `saturated` and none was read lately. */
  poke(saturated: boolean, announced: number): void {
    const now = this.clock.now();
    if (!saturated || this.reading || now - this.lastAt < this.everyMs) return;
    this.lastAt = now;
    this.reading = true;
    void this.metrics()
      .then((m) => {
        if (m.running === null || m.waiting === null) return;
        const transit = Math.max(0, announced - m.running - m.waiting);
        if (this.samples.length < KEPT) this.samples.push(transit);
        else this.samples[this.next % KEPT] = transit;
        this.next++;
      })
      .catch(() => undefined) // a failed read is a lost sample; heartbeats report the runtime
      .finally(() => (this.reading = false));
  }

  /** The 95th percentile of the jobs in transit, or null before `minSamples` reads. */
  p95(minSamples = 20): number | null {
    if (this.samples.length < minSamples) return null;
    const sorted = [...this.samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!;
  }
}
