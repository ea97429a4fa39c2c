import type { HotSpot } from './cpu-profile.js';
import { meets, round, type BenchFigures, type TargetKey } from './report.js';

export interface ExplainContext {
  f: BenchFigures;
  cores: number;
  /** Self time by module and by function from --cpu-prof, when the run was profiled. */
  modules: HotSpot[] | null;
  functions: HotSpot[] | null;
}

const top = (h: HotSpot[] | null, n: number) =>
  h
    ? h
        .slice(0, n)
        .map((x) => `${x.name} ${x.selfPct.toFixed(1)} %`)
        .join(', ')
    : null;

/** Why a missed target was missed, from the figures of the same run (floor, profile, machine). */
export function whyMissed(key: TargetKey, c: ExplainContext): string {
  const { f } = c;
  const n = (k: string) => f[k] as number | null | undefined;
  const busy = `the machine was ${n('machine_busy_before_pct') ?? '?'} % busy before the run (${c.cores} cores shared by devnet, runtime, node and other work)`;
  const profile = top(c.modules, 4);
  const spots = top(c.functions, 4);
  const where = profile
    ? `the node's profile (share of its busy CPU time): by module ${profile}; by function ${spots}`
    : 'run `npm run bench -- --cpu-prof` for the profile that shows where the time goes';
  switch (key) {
    case 'overhead_p50_ms':
    case 'overhead_p99_ms':
      return `the floor relay took ${n('floor_overhead_p50_ms')} ms p50 / ${n('floor_overhead_p99_ms')} ms p99 on the same path in this run (ratio ${n('overhead_ratio_to_floor')}): time waiting for a CPU counts as overhead; ${busy}; ${where}`;
    case 'load_cpu_ms_per_job':
      return `the floor relay needs ${n('floor_cpu_ms_per_job')} ms per job (ratio ${n('cpu_ms_per_job_ratio_to_floor')}); ${where}`;
    case 'ceiling_jobs_per_s':
      return `the node needs ${n('ceiling_cpu_ms_per_job')} ms CPU per job at the ceiling (~${n('ceiling_cpu_ms_per_job') ? Math.round(1000 / n('ceiling_cpu_ms_per_job')!) : '?'} jobs/s on a free core) while devnet and runtime take the rest of ${c.cores} cores; ${busy}; ${where}`;
    case 'efficiency':
      return `${n('efficiency_achieved_jobs_per_s')} of ${n('efficiency_capacity_jobs_per_s')} jobs/s with ${n('efficiency_advertised')} jobs advertised; a starved CPU delays the refills of the runtime's queue; ${busy}`;
    case 'idle_rss_mb':
    case 'load_rss_mb':
      return `resident memory of the headless node as the launcher starts it (V8 flags in dist/headless/cli.mjs); ${where}`;
    case 'idle_cpu_pct':
      return `heartbeats, metrics reads and timers only; ${busy}; ${where}`;
    default:
      return `see the ledger line above`;
  }
}

/** Lines for the missed targets only. */
export function missedLines(c: ExplainContext, keys: TargetKey[]): string[] {
  return keys
    .filter((k) => meets(k, c.f[k] as number | null) === false)
    .map((k) => `  ${k} MISSED: ${whyMissed(k, c)}`);
}

export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a == null || b == null || b <= 0 ? null : round(a / b, 2);
}
