import { sleep } from '../helpers/processes.js';
import {
  completedIds,
  newCompletedIds,
  ProcMonitor,
  Progress,
  spread,
  waitSettled,
} from './measure.js';
import { percentile } from './report.js';
import { RuntimeSampler } from './runtime-sampler.js';
import type { Stack } from './stack/stack.js';

/** Heartbeats only: the node is active and no job arrives. */
export async function idlePhase(stack: Stack, seconds: number) {
  // In the rotation means registered, session open and a heartbeat in: start-up is over; one
  // more second lets what it left (its last frames, timers) settle before measuring.
  await sleep(1000);
  const mon = new ProcMonitor(stack.agent.proc.pid).start();
  await sleep(seconds * 1000);
  return mon.stop();
}

export interface OverheadOptions {
  rate: number;
  seconds: number;
  warmupSeconds: number;
  /** Job views fetched for the per-job figures (spread over the phase). */
  maxSamples: number;
  maxTokens: number;
}

/**
 * Agent overhead per job at a sustained rate (of the process `pid`, the headless node unless
 * given: the floor relay runs the same phase): the devnet's assignment → result time minus the
 * runtime time the agent reports in the result (`timings.runtime_ms`).
 */
export async function overheadPhase(stack: Stack, o: OverheadOptions, pid?: number) {
  const { admin } = stack;
  const job = { prompt_tokens: 32, max_tokens: o.maxTokens, ttl_ms: 600_000 };
  await admin.startWorkload({ rate: o.rate, duration_s: o.warmupSeconds, ...job });
  await waitSettled(admin, o.warmupSeconds * 1000 + 30_000);
  const before = await completedIds(admin);
  const mon = new ProcMonitor(pid ?? stack.agent.proc.pid).start();
  const t0 = performance.now();
  await admin.startWorkload({ rate: o.rate, duration_s: o.seconds, ...job });
  await sleep(o.seconds * 1000);
  const load = mon.stop();
  const settled = await waitSettled(admin, 60_000);
  const elapsed = (performance.now() - t0) / 1000;
  const ids = await newCompletedIds(admin, before);
  const views = await admin.jobViews(spread(ids, o.maxSamples));
  const overhead: number[] = [];
  const network: number[] = [];
  const runtime: number[] = [];
  for (const v of views) {
    if (v.duration_ms === null || !v.result) continue;
    network.push(v.duration_ms);
    runtime.push(v.result.timings.runtime_ms);
    overhead.push(v.duration_ms - v.result.timings.runtime_ms);
  }
  const sort = (a: number[]) => [...a].sort((x, y) => x - y);
  const o2 = sort(overhead);
  const n2 = sort(network);
  const r2 = sort(runtime);
  return {
    completed: ids.length,
    cpuMsPerJob: ids.length > 0 ? (load.cpuPct * load.seconds * 10) / ids.length : null,
    achievedRate: ids.length / elapsed,
    samples: o2.length,
    settled,
    overheadP50: percentile(o2, 0.5),
    overheadP90: percentile(o2, 0.9),
    overheadP99: percentile(o2, 0.99),
    overheadMax: o2.at(-1) ?? null,
    networkP50: percentile(n2, 0.5),
    networkP99: percentile(n2, 0.99),
    runtimeP50: percentile(r2, 0.5),
    load,
  };
}

export interface EfficiencyOptions {
  seconds: number;
  slots: number;
  ttftMs: number;
  tokensPerSecond: number;
  maxTokens: number;
  /** Offered load as a multiple of the nominal capacity. */
  overload: number;
}

/**
 * Achieved jobs/s with every slot of the runtime in use (more offered than it can serve),
 * divided by what the runtime alone could do: slots / per-job service time, where the service
 * time is the simulator's own: ttft + (tokens − 1) / tokens_per_s, from the mean tokens the
 * runtime itself counted over the phase (it was restarted for it). The runtime's gauges, read
 * over the same window, tell idle slots (occupancy under 1) from a slow runtime.
 */
export async function efficiencyPhase(stack: Stack, o: EfficiencyOptions) {
  const { admin } = stack;
  const nominalService = (o.ttftMs + ((o.maxTokens - 1) * 1000) / o.tokensPerSecond) / 1000;
  const offered = (o.slots / nominalService) * o.overload;
  const before = await completedIds(admin);
  const progress = new Progress(admin).start();
  const t0 = performance.now();
  await admin.startWorkload({
    rate: Math.round(offered),
    duration_s: o.seconds,
    prompt_tokens: 32,
    max_tokens: o.maxTokens,
    ttl_ms: 600_000,
  });
  // Skip the ramp-up (the first few service times) before measuring.
  const rampMs = Math.max(2000, 4 * nominalService * 1000);
  await sleep(rampMs - (performance.now() - t0));
  const sampler = new RuntimeSampler(stack.runtime.url, o.slots).start();
  await sleep(o.seconds * 1000 - (performance.now() - t0));
  const tEnd = performance.now();
  const runtime = await sampler.stop();
  await progress.stop();
  const settled = await waitSettled(admin, 120_000);
  const drainS = (performance.now() - tEnd) / 1000;
  const achieved = progress.rate(t0 + rampMs, tEnd, true);
  const meanTokens =
    (await RuntimeSampler.meanTokens(stack.runtime.url).catch(() => null)) ??
    (await meanTokensOfJobs(admin, before));
  const service = (o.ttftMs + ((meanTokens - 1) * 1000) / o.tokensPerSecond) / 1000;
  const capacity = o.slots / service;
  return {
    offered,
    achieved,
    capacity,
    meanTokens,
    serviceMs: service * 1000,
    efficiency: achieved === null ? null : achieved / capacity,
    /**
     * The same against what the runtime really served per request (its scheduler's steps and a
     * starved CPU included): the share of its slots the node kept busy.
     */
    efficiencyVsRuntime:
      achieved === null || runtime.serviceMs === null
        ? null
        : achieved / (o.slots / (runtime.serviceMs / 1000)),
    runtime,
    settled,
    /** From the end of the offered load until the devnet had nothing pending or in flight. */
    drainS,
  };
}

/** Mean completion tokens of a spread of the phase's jobs (when the runtime's counters fail). */
async function meanTokensOfJobs(admin: Stack['admin'], before: Set<string>): Promise<number> {
  const ids = await newCompletedIds(admin, before);
  const views = await admin.jobViews(spread(ids, 400));
  const tokens = views.map((v) => v.result?.usage.completion_tokens ?? 0).filter((n) => n > 0);
  return tokens.reduce((a, b) => a + b, 0) / Math.max(1, tokens.length);
}

/** Jobs/s with an instant runtime: what the node itself (signing, journaling, I/O) can do. */
export async function ceilingPhase(stack: Stack, seconds: number, backlog = 2000) {
  const { admin } = stack;
  const progress = new Progress(admin).start();
  const mon = new ProcMonitor(stack.agent.proc.pid).start();
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  // Keep a standing backlog so the node never waits for work, without a long tail to drain.
  let submitted = 0;
  while (performance.now() < until) {
    const pending = progress.points.at(-1)?.pending ?? 0;
    if (submitted === 0 || pending < backlog / 2) {
      await admin.submitJobs({
        count: backlog,
        prompt_tokens: 16,
        max_tokens: 16,
        ttl_ms: 600_000,
      });
      submitted += backlog;
    }
    await sleep(100);
  }
  const tEnd = performance.now();
  const cpu = mon.stop();
  await progress.stop();
  const rate = progress.rate(t0 + 1000, tEnd, true);
  const first = progress.points[0];
  const last = progress.points.at(-1);
  const done = first && last ? last.completed - first.completed : 0;
  // CPU time per job does not depend on what else runs on the machine, unlike jobs/s.
  const cpuMsPerJob = done > 0 ? (cpu.cpuPct * cpu.seconds * 10) / done : null;
  const settled = await waitSettled(admin, 120_000);
  return { rate, submitted, cpu, cpuMsPerJob, settled };
}
