import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { Clock, TimerHandle } from '../clock.js';
import { silentLogger, type Logger } from '../logger.js';

/**
 * V8 keeps the heap pages a garbage collection frees in a pool for reuse, resident, and its
 * memory reducer often leaves them there in a node that idles (it judges the allocation rate
 * from the last collections, made under load: "high alloc", it waits, and no collection comes
 * to update that). So after a peak (a long journal replayed, a burst of jobs) the node idles
 * at its peak: a 16 MB journal replayed at start left the node at 155 MB idle. One
 * memory-reducing collection returns the pool; this runs one when the node is idle and its
 * resident set grew by `growthBytes` since the last.
 */
export interface HeapReleaseOptions {
  clock: Clock;
  logger?: Logger;
  /** A memory-reducing full collection (v8's last-resort GC by default). Null: none available. */
  collect?: (() => void) | null;
  /** The process's resident set size now, in bytes. */
  rssBytes?: () => number;
  /** The share (0–1) of the time since its previous call that the event loop was busy. */
  busyShare?: () => number;
  /** How often an idle node is checked. Default 30 s. */
  checkEveryMs?: number;
  /** Released again only once the resident set grew this much since the last release. Default 16 MiB. */
  growthBytes?: number;
  /** Idle: the event loop busy less than this share of a check period. Default 0.05. */
  idleBelow?: number;
}

export class HeapRelease {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly collect: (() => void) | null;
  private readonly rssBytes: () => number;
  private readonly busyShare: () => number;
  private readonly growthBytes: number;
  private readonly idleBelow: number;
  private readonly timer: TimerHandle;
  private releasedAtRss: number;
  /** Collections run so far (for tests and diagnostics). */
  releases = 0;

  constructor(o: HeapReleaseOptions) {
    this.clock = o.clock;
    this.log = (o.logger ?? silentLogger).child('memory');
    this.collect = o.collect === undefined ? onFirstUse(lastResortGc) : o.collect;
    this.rssBytes = o.rssBytes ?? (() => process.memoryUsage.rss());
    this.busyShare = o.busyShare ?? eventLoopBusyShare();
    this.growthBytes = o.growthBytes ?? 16 * 1024 * 1024;
    this.idleBelow = o.idleBelow ?? 0.05;
    this.releasedAtRss = this.rssBytes();
    this.timer = this.clock.setInterval(() => this.check(), o.checkEveryMs ?? 30_000);
    if (typeof this.timer === 'object') this.timer.unref?.();
  }

  /**
   * Start-up is over: releases now if it grew the resident set by `growthBytes` (a long
   * journal replayed); either way, later growth counts from here. A release blocks for one full
   * collection (tens of ms) and V8 follows it with its own memory-reducing collections a few
   * seconds later, so a fresh node, which grows less, does not pay for one.
   */
  startedUp(): void {
    if (!this.releaseIfGrown('start-up')) this.releasedAtRss = this.rssBytes();
  }

  dispose(): void {
    this.clock.clearInterval(this.timer);
  }

  private check(): void {
    // Read every period, so the share always covers the last period only.
    const busy = this.busyShare();
    if (busy < this.idleBelow) this.releaseIfGrown('idle');
  }

  /** True if it released. */
  private releaseIfGrown(why: string): boolean {
    if (this.rssBytes() - this.releasedAtRss < this.growthBytes) return false;
    return this.release(why);
  }

  private release(why: string): boolean {
    if (!this.collect) return false;
    const before = this.rssBytes();
    const started = performance.now();
    try {
      this.collect();
    } catch (err) {
      this.log.debug('Could not release freed heap memory.', { error: String(err) });
      return false;
    }
    this.releases++;
    this.releasedAtRss = this.rssBytes();
    this.log.debug(`Released freed heap memory (${why}).`, {
      rss_before_mb: Math.round(before / 1048576),
      rss_after_mb: Math.round(this.releasedAtRss / 1048576),
      took_ms: Math.round(performance.now() - started),
    });
    return true;
  }
}

/**
 * V8's last-resort collection (what it runs before giving up on memory), which also returns its
 * page pool to the OS. Reached through a throwaway context's `gc`, with --expose-gc switched on
 * only while that context is made: no `gc` global appears anywhere. Null if this engine offers
 * none.
 */
export function lastResortGc(): (() => void) | null {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    if (typeof gc !== 'function') return null;
    return () =>
      void (gc as (o: object) => unknown)({
        type: 'major',
        execution: 'sync',
        flavor: 'last-resort',
      });
  } catch {
    return null;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}

/** `make()` on the first call (a context is built only if a release ever runs). */
function onFirstUse(make: () => (() => void) | null): () => void {
  let fn: (() => void) | null | undefined;
  return () => {
    if (fn === undefined) fn = make();
    if (!fn) throw new Error('this JavaScript engine offers no memory-reducing collection');
    fn();
  };
}

/** The event loop's utilisation since the previous call (perf_hooks). */
export function eventLoopBusyShare(): () => number {
  let last = performance.eventLoopUtilization();
  return () => {
    const now = performance.eventLoopUtilization();
    const share = performance.eventLoopUtilization(now, last).utilization;
    last = now;
    return share;
  };
}
