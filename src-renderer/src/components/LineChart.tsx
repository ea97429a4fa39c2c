import { areaPath, chartPath, niceMax, type ChartPoint } from './chart-path.js';

const W = 300;
const H = 80;

interface LineChartProps {
  title: string;
  points: readonly ChartPoint[];
  /** Time at the right edge; usually the newest sample. */
  end: number;
  windowMs: number;
  /** Fixed axis top (e.g. 100 for %); auto-scaled when omitted. */
  max?: number;
  format: (value: number | null) => string;
  /** Shown beside the current value, e.g. "of 24.0 GiB". */
  context?: string;
  color: 1 | 2 | 3 | 4;
  /** Shown instead of the line while there is too little data for one (e.g. "Collecting data…"). */
  placeholder?: string;
}

/** A small hand-written line chart: one SVG path, no library, no animation. */
export function LineChart({
  title,
  points,
  end,
  windowMs,
  max,
  format,
  context,
  color,
  placeholder,
}: LineChartProps) {
  const latest = points.length > 0 ? points[points.length - 1]!.value : null;
  const top = max ?? niceMax(points.map((p) => p.value));
  const frame = { end, windowMs, min: 0, max: top, width: W, height: H };
  const line = placeholder ? '' : chartPath(points, frame);
  const minutes = Math.round(windowMs / 60_000);
  return (
    <figure className={`chart chart-color-${color}`}>
      <figcaption className="chart-caption">
        <span className="chart-title">{title}</span>
        <span className="chart-value">
          {format(latest)}
          {context ? <span className="chart-context"> {context}</span> : null}
        </span>
      </figcaption>
      <div className="chart-plot">
        <svg
          className="chart-svg"
          viewBox={`0 0 ${W} ${H}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={
            placeholder
              ? `${title}: ${placeholder}`
              : `${title} over the last ${minutes} minutes; now ${format(latest)}`
          }
        >
          <line
            className="chart-gridline"
            x1="0"
            x2={W}
            y1={H / 2}
            y2={H / 2}
            vectorEffect="non-scaling-stroke"
          />
          <line
            className="chart-gridline"
            x1="0"
            x2={W}
            y1={H - 0.5}
            y2={H - 0.5}
            vectorEffect="non-scaling-stroke"
          />
          {line ? <path className="chart-area" d={areaPath(points, frame)} /> : null}
          {line ? <path className="chart-line" d={line} vectorEffect="non-scaling-stroke" /> : null}
        </svg>
        {placeholder ? (
          <p className="chart-placeholder" aria-hidden="true">
            {placeholder}
          </p>
        ) : null}
      </div>
      <div className="chart-axis" aria-hidden="true">
        <span>{minutes} min ago</span>
        <span>{placeholder ? '' : `max ${format(top)}`}</span>
        <span>now</span>
      </div>
    </figure>
  );
}
