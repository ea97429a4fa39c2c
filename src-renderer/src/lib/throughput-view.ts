import type { ChartPoint } from '../components/chart-path.js';

/** How much history the throughput chart needs before its line says anything. */
export const THROUGHPUT_MIN_HISTORY_MS = 15_000;
/** The chart's window is at least this wide. */
export const THROUGHPUT_MIN_WINDOW_MS = 60_000;

export interface ThroughputView {
  points: ChartPoint[];
  end: number;
  windowMs: number;
  /** Too little history yet: show "collecting data" instead of a line squeezed to the edge. */
  collecting: boolean;
}

/**
 * What the Overview's throughput chart draws. The node pushes stats only when they change, so
 * the last value still holds now: while the node runs the line is carried to `now`, and the
 * first seconds (a single push, or a burst drawn as a spike at the right edge) read as
 * "collecting data" until the chart has some history.
 */
export function throughputView(
  points: readonly ChartPoint[],
  now: number,
  running: boolean,
): ThroughputView {
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) {
    return { points: [], end: now, windowMs: THROUGHPUT_MIN_WINDOW_MS, collecting: running };
  }
  const end = running ? Math.max(now, last.ts) : last.ts;
  const carried = end > last.ts ? [...points, { ts: end, value: last.value }] : [...points];
  return {
    points: carried,
    end,
    windowMs: Math.max(THROUGHPUT_MIN_WINDOW_MS, end - first.ts),
    collecting: running && end - first.ts < THROUGHPUT_MIN_HISTORY_MS,
  };
}
