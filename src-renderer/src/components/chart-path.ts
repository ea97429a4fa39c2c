export interface ChartPoint {
  ts: number;
  value: number | null;
}

export interface ChartFrame {
  /** Right edge of the chart (newest time shown). */
  end: number;
  windowMs: number;
  min: number;
  max: number;
  width: number;
  height: number;
}

/** Upper bound for an auto-scaled axis: the max value rounded up to a "nice" number. */
export function niceMax(values: readonly (number | null)[], floor = 1): number {
  let max = floor;
  for (const v of values) if (v !== null && v > max) max = v;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    if (step * magnitude >= max) return step * magnitude;
  }
  return max;
}

/**
 * SVG path data for a time series: x by time within the window, y by value within [min, max].
 * A null value (the probe could not read it) breaks the line instead of drawing a false zero.
 */
export function chartPath(points: readonly ChartPoint[], f: ChartFrame): string {
  const start = f.end - f.windowMs;
  const span = f.max - f.min || 1;
  let d = '';
  let drawing = false;
  for (const p of points) {
    if (p.ts < start - f.windowMs * 0.05 || p.value === null) {
      drawing = false;
      continue;
    }
    const x = ((p.ts - start) / f.windowMs) * f.width;
    const clamped = Math.min(f.max, Math.max(f.min, p.value));
    const y = f.height - ((clamped - f.min) / span) * f.height;
    d += `${drawing ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`;
    drawing = true;
  }
  return d;
}

/** The same line closed down to the baseline, for a soft filled area under it. */
export function areaPath(points: readonly ChartPoint[], f: ChartFrame): string {
  const line = chartPath(points, f);
  if (line === '') return '';
  // Close each run of the line separately so gaps stay gaps.
  return line
    .split('M')
    .filter(Boolean)
    .map((run) => {
      const coords = run.split('L');
      const firstX = coords[0]!.split(' ')[0];
      const lastX = coords[coords.length - 1]!.split(' ')[0];
      return `M${firstX} ${f.height}L${run}L${lastX} ${f.height}Z`;
    })
    .join('');
}
