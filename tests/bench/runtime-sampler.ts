import { readFileSync } from 'node:fs';
import { parsePrometheusText } from '../../src-main/core/runtime/vllm-metrics.js';
import { sleep } from '../helpers/processes.js';

/** Busy and total jiffies of all CPUs (/proc/stat's first line). */
function cpuJiffies(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1);
  const n = f.map(Number);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - (n[3] ?? 0) - (n[4] ?? 0), total };
}

/** What the runtime's own gauges said over a phase, and how busy the machine was meanwhile. */
export interface RuntimeSample {
  /** Mean of vllm:num_requests_running ÷ slots: the share of slot time that ran a job. */
  occupancy: number | null;
  /** Share of samples with a slot idle and nothing waiting: the queue window ran dry. */
  dryShare: number | null;
  samples: number;
  /** Busy share of all the machine's cores over the phase, % (every process, not only ours). */
  machineBusyPct: number;
  /**
   * The runtime's own time per request from admission to its last token over the window (its
   * e2e latency minus queue time, vLLM's histograms): the nominal ttft + tokens ÷ rate plus its
   * scheduler's steps, and slower when its CPU is starved.
   */
  serviceMs: number | null;
}

interface Served {
  runningS: number;
  count: number;
}

async function served(url: string): Promise<Served | null> {
  try {
    const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) });
    const m = parsePrometheusText(await res.text());
    const v = (n: string) => m.get(n)?.[0]?.value;
    const e2e = v('vllm:e2e_request_latency_seconds_sum');
    const queued = v('vllm:request_queue_time_seconds_sum');
    const count = v('vllm:e2e_request_latency_seconds_count');
    if (e2e === undefined || queued === undefined || count === undefined) return null;
    return { runningS: e2e - queued, count };
  } catch {
    return null;
  }
}

/**
 * Reads the runtime's /metrics every `everyMs` (vLLM's running and waiting gauges): whether the
 * capacity a phase misses was lost to idle slots (the window ran dry) or to a runtime that ran
 * every slot and still served less than its nominal rate (a CPU-starved simulator).
 */
export class RuntimeSampler {
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly points: { running: number; waiting: number }[] = [];
  private cpu0 = cpuJiffies();
  private served0: Promise<Served | null> = Promise.resolve(null);

  constructor(
    private readonly url: string,
    private readonly slots: number,
    private readonly everyMs = 100,
  ) {}

  start(): this {
    this.running = true;
    this.cpu0 = cpuJiffies();
    this.served0 = served(this.url);
    this.loop = (async () => {
      while (this.running) {
        try {
          const res = await fetch(`${this.url}/metrics`, { signal: AbortSignal.timeout(2000) });
          const m = parsePrometheusText(await res.text());
          const running = m.get('vllm:num_requests_running')?.[0]?.value;
          const waiting = m.get('vllm:num_requests_waiting')?.[0]?.value;
          if (running !== undefined && waiting !== undefined)
            this.points.push({ running, waiting });
        } catch {
          // a late answer is a lost sample, not a failed phase
        }
        await sleep(this.everyMs);
      }
    })();
    return this;
  }

  /** The runtime's mean generated tokens per finished request (its own counters). */
  static async meanTokens(url: string): Promise<number | null> {
    const m = parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
    const tokens = m.get('vllm:generation_tokens_total')?.[0]?.value;
    const done = (m.get('vllm:request_success_total') ?? [])
      .filter((s) => s.labels.finished_reason !== 'abort')
      .reduce((a, s) => a + s.value, 0);
    return tokens !== undefined && done > 0 ? tokens / done : null;
  }

  async stop(): Promise<RuntimeSample> {
    this.running = false;
    await this.loop;
    const cpu = cpuJiffies();
    const [a, b] = [await this.served0, await served(this.url)];
    const total = cpu.total - this.cpu0.total;
    const n = this.points.length;
    const sum = this.points.reduce((a, p) => a + Math.min(p.running, this.slots), 0);
    const dry = this.points.filter((p) => p.running < this.slots && p.waiting === 0).length;
    return {
      occupancy: n > 0 ? sum / n / this.slots : null,
      dryShare: n > 0 ? dry / n : null,
      samples: n,
      machineBusyPct: total > 0 ? ((cpu.busy - this.cpu0.busy) / total) * 100 : 0,
      serviceMs:
        a && b && b.count > a.count
          ? ((b.runningS - a.runningS) / (b.count - a.count)) * 1000
          : null,
    };
  }
}
