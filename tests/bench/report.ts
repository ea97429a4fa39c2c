/** Percentiles, targets and the printed lines of the agent benchmark. */

export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function round(v: number | null, digits = 2): number | null {
  if (v === null || !Number.isFinite(v)) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Every figure of the final JSON line (keys fixed by the benchmark's brief). */
export interface BenchFigures {
  overhead_p50_ms: number | null;
  overhead_p99_ms: number | null;
  efficiency: number | null;
  ceiling_jobs_per_s: number | null;
  idle_cpu_pct: number | null;
  idle_rss_mb: number | null;
  load_cpu_pct: number | null;
  load_rss_mb: number | null;
  load_cpu_ms_per_job: number | null;
  jobs_lost: number | null;
  duplicates_accepted: number | null;
  [extra: string]: unknown;
}

/** The goals of issue 18; the bench prints each with met / MISSED. */
export const TARGETS = {
  overhead_p50_ms: { max: 2 },
  overhead_p99_ms: { max: 10 },
  efficiency: { min: 0.99 },
  ceiling_jobs_per_s: { min: 1500 },
  load_cpu_ms_per_job: { max: 0.6 },
  idle_rss_mb: { max: 100 },
  load_rss_mb: { max: 220 },
  idle_cpu_pct: { max: 0.5 },
  jobs_lost: { max: 0 },
  duplicates_accepted: { max: 0 },
} as const;

export type TargetKey = keyof typeof TARGETS;

export function meets(key: TargetKey, value: number | null): boolean | null {
  if (value === null) return null;
  const t: { min?: number; max?: number } = TARGETS[key];
  if (t.min !== undefined && value < t.min) return false;
  if (t.max !== undefined && value > t.max) return false;
  return true;
}

/** `targets_met` (per key) and `all_targets_met`, added to the figures. */
export function withTargets(f: BenchFigures): BenchFigures {
  const met: Record<string, boolean | null> = {};
  for (const key of Object.keys(TARGETS) as TargetKey[]) {
    met[key] = meets(key, f[key]);
  }
  return {
    ...f,
    targets_met: met,
    all_targets_met: Object.values(met).every((v) => v === true),
  };
}

/** One line per target: the figure, the goal, met or MISSED. */
export function targetLines(f: BenchFigures): string[] {
  const units: Partial<Record<TargetKey, string>> = {
    overhead_p50_ms: ' ms',
    overhead_p99_ms: ' ms',
    ceiling_jobs_per_s: ' jobs/s',
    load_cpu_ms_per_job: ' ms',
    idle_rss_mb: ' MB',
    load_rss_mb: ' MB',
    idle_cpu_pct: ' %',
  };
  return (Object.keys(TARGETS) as TargetKey[]).map(
    (key) => `  ${key.padEnd(22)} ${describeTarget(key, f[key] as number | null, units[key])}`,
  );
}

export function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function describeTarget(key: TargetKey, value: number | null, unit = ''): string {
  const t: { min?: number; max?: number } = TARGETS[key];
  const goal = t.max !== undefined ? `≤ ${t.max}${unit}` : `≥ ${t.min}${unit}`;
  const ok = meets(key, value);
  const mark = ok === null ? 'n/a' : ok ? 'met' : 'MISSED';
  return `${value ?? 'n/a'}${unit} (target ${goal}: ${mark})`;
}
