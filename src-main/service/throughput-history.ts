import type { ThroughputPointDto } from '../contract/index.js';

/** Points kept: ten minutes at one a second. */
export const THROUGHPUT_HISTORY_POINTS = 600;
/** Pushes closer together than this update the last point instead of adding one. */
export const THROUGHPUT_POINT_MS = 1_000;

/**
 * The Overview's throughput line, kept in main so a page load draws the recent history
 * instead of starting empty. At most one point a second (a busy node pushes stats per job).
 */
export class ThroughputHistory {
  private list: ThroughputPointDto[] = [];

  add(ts: number, value: number): void {
    const last = this.list.at(-1);
    const before = this.list.at(-2);
    if (last && before && ts - before.ts < THROUGHPUT_POINT_MS) {
      last.value = value;
      last.ts = ts;
      return;
    }
    this.list.push({ ts, value });
    if (this.list.length > THROUGHPUT_HISTORY_POINTS) this.list.splice(0, 1);
  }

  points(): ThroughputPointDto[] {
    return this.list.map((p) => ({ ...p }));
  }
}
