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
  jobs_lost: number | null;
  duplicates_accepted: number | null;
  [extra: string]: unknown;
}

export const TARGETS = {
  overhead_p50_ms: { max: 2 },
  overhead_p99_ms: { max: 10 },
  efficiency: { min: 0.95 },
  ceiling_jobs_per_s: { min: 1000 },
  idle_cpu_pct: { max: 1 },
  idle_rss_mb: { max: 120 },
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
