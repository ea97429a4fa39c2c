import { readdirSync, readFileSync } from 'node:fs';
import { cpuPercent, procSample, sleep, type ProcSample } from '../helpers/processes.js';
import type { AdminClient } from './stack/admin-client.js';

type Sample = ProcSample & { threads: ThreadCpu | null };

/**
 * On-CPU time of every thread of `pid` to the nanosecond (`/proc/<pid>/task/<tid>/schedstat`):
 * /proc/<pid>/stat counts 10 ms ticks, too coarse for a few seconds of a nearly idle process.
 */
interface ThreadCpu {
  tids: string;
  seconds: number;
}

function threadCpu(pid: number): ThreadCpu | null {
  try {
    const tids = readdirSync(`/proc/${pid}/task`).sort();
    let ns = 0;
    for (const tid of tids)
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    return Number.isFinite(ns) ? { tids: tids.join(','), seconds: ns / 1e9 } : null;
  } catch {
    return null; // a thread ended meanwhile, or no schedstat on this kernel
  }
}

function sample(pid: number): Sample {
  const threads = threadCpu(pid);
  return { ...procSample(pid), threads };
}

/** Samples a process's CPU time and RSS once a second until stopped. */
export class ProcMonitor {
  private readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly pid: number) {}

  start(): this {
    this.samples.push(sample(this.pid));
    this.timer = setInterval(() => {
      try {
        this.samples.push(sample(this.pid));
      } catch {
        // the process is gone; stop() reports what was seen
      }
    }, 1000);
    return this;
  }

  /** CPU share over the whole window (% of one core) and the highest RSS seen (MiB). */
  stop(): { cpuPct: number; rssMaxMb: number; rssLastMb: number; seconds: number } {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    try {
      this.samples.push(sample(this.pid));
    } catch {
      // already gone
    }
    const first = this.samples[0]!;
    const last = this.samples[this.samples.length - 1]!;
    // Per-thread nanoseconds when the same threads ran throughout (a thread that ended would
    // take its time with it); the process's 10 ms ticks otherwise.
    const sameThreads = first.threads && last.threads && first.threads.tids === last.threads.tids;
    const wall = (last.at - first.at) / 1000;
    const cpuPct =
      sameThreads && wall > 0
        ? ((last.threads!.seconds - first.threads!.seconds) / wall) * 100
        : cpuPercent(first, last);
    return {
      cpuPct,
      rssMaxMb: Math.max(...this.samples.map((s) => s.rssMb)),
      rssLastMb: last.rssMb,
      seconds: (last.at - first.at) / 1000,
    };
  }
}

export interface ProgressPoint {
  at: number;
  completed: number;
  failed: number;
  pending: number;
  inFlight: number;
}

/** Polls the devnet's counters to follow completions over time. */
export class Progress {
  readonly points: ProgressPoint[] = [];
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly admin: AdminClient,
    private readonly everyMs = 250,
  ) {}

  start(): this {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const s = await this.admin.stats();
        this.points.push({
          at: performance.now(),
          completed: s.jobs_completed,
          failed: s.jobs_failed,
          pending: s.jobs_pending,
          inFlight: s.jobs_in_flight,
        });
        await sleep(this.everyMs);
      }
    })();
    return this;
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /**
   * Completed jobs per second between the first point at or after `fromMs` and the last point
   * at or before `toMs` (performance.now() times) that still had work queued.
   */
  rate(fromMs: number, toMs: number, whileBacklogged = false): number | null {
    const inWindow = this.points.filter(
      (p) => p.at >= fromMs && p.at <= toMs && (!whileBacklogged || p.pending > 0),
    );
    if (inWindow.length < 2) return null;
    const a = inWindow[0]!;
    const b = inWindow[inWindow.length - 1]!;
    return ((b.completed - a.completed) * 1000) / (b.at - a.at);
  }
}

/** Waits until the devnet has no pending or in-flight job (or the time is up). */
export async function waitSettled(admin: AdminClient, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const s = await admin.stats();
    if (s.jobs_pending === 0 && s.jobs_in_flight === 0 && !s.workload.running) return true;
    await sleep(100);
  }
  return false;
}

/** Ids of completed jobs not in `before` (the jobs of one phase). */
export async function newCompletedIds(admin: AdminClient, before: Set<string>): Promise<string[]> {
  const all = (await admin.jobs('completed')).ids.completed ?? [];
  return all.filter((id) => !before.has(id));
}

export async function completedIds(admin: AdminClient): Promise<Set<string>> {
  return new Set((await admin.jobs('completed')).ids.completed ?? []);
}

/** At most `n` items spread evenly over the list. */
export function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)]!);
}

/** Share of the machine's CPUs busy over `ms` (from /proc/stat), e.g. other work before a run. */
export async function machineBusyPct(ms: number): Promise<number> {
  const read = () => {
    const f = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { idle, total };
  };
  const a = read();
  await sleep(ms);
  const b = read();
  const total = b.total - a.total;
  return total > 0 ? (1 - (b.idle - a.idle) / total) * 100 : 0;
}
