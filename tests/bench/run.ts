/**
 * Agent benchmark: devnet, simulated runtime and headless node in three processes on this
 * machine. Prints what it measures, then ONE JSON line with every figure (the last line).
 *
 *   npm run bench                 full run (a few minutes)
 *   npm run bench -- --quick      the same figures from shorter phases (under a minute)
 *   npm run bench -- --cpu-prof   also profile the node (node --cpu-prof) and print hot spots
 *   npm run bench -- --only overhead,ceiling   only these phases (idle, overhead, efficiency,
 *                                 ceiling; the floor runs with overhead); the ledger always
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stopAll } from '../helpers/processes.js';
import { hotModules, hotSpots, type HotSpot } from './cpu-profile.js';
import { efficiencyAt, type SlotsSetting } from './efficiency-sweep.js';
import { missedLines, ratio } from './explain.js';
import { startFloorRelay } from './floor/floor-process.js';
import { machineBusyPct, waitSettled } from './measure.js';
import { PhaseTimes } from './phase-times.js';
import { ceilingPhase, idlePhase, overheadPhase, type OverheadOptions } from './phases.js';
import {
  describeTarget,
  round,
  say,
  targetLines,
  TARGETS,
  withTargets,
  type BenchFigures,
  type TargetKey,
} from './report.js';
import { defaultSnapshot } from '../../src-main/devnet/io/default-snapshot.js';
import { ledgerCheck } from './stack/admin-client.js';
import { Stack } from './stack/stack.js';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    'cpu-prof': { type: 'boolean' },
    only: { type: 'string' },
  },
  strict: true,
});
const quick = flags.quick ?? false;
const PHASES = ['idle', 'overhead', 'efficiency', 'ceiling'] as const;
const only = flags.only?.split(',').map((p) => p.trim()) ?? [...PHASES];
for (const p of only) {
  if (!(PHASES as readonly string[]).includes(p))
    throw new Error(`--only: unknown phase "${p}" (phases: ${PHASES.join(', ')})`);
}
const want = (phase: (typeof PHASES)[number]) => only.includes(phase);

const SLOTS = 64;
// The idle window holds whole heartbeat periods (the devnet's default, which the bench keeps):
// a shorter one may hold no heartbeat at all and reads lower than a node really idles at.
const HEARTBEAT_S = defaultSnapshot().ttl.heartbeat_interval_ms / 1000;
// Quick: the shortest phases whose figures still mean something (≥ 600 overhead samples, each
// efficiency window past its ramp-up, a backlog the node drains in well under a second, one
// heartbeat period idle).
const PLAN = quick
  ? {
      idleS: HEARTBEAT_S,
      overheadS: 3,
      warmupS: 1,
      samples: 600,
      efficiencyS: [4, 5, 7],
      ceilingS: 3,
      backlog: 600,
    }
  : {
      idleS: 6 * HEARTBEAT_S,
      overheadS: 60,
      warmupS: 5,
      samples: 12_000,
      efficiencyS: [20, 30, 20],
      ceilingS: 20,
      backlog: 2000,
    };
// Runtime of the overhead phase: fast enough that 200 jobs/s use a fraction of the slots.
const OVERHEAD_RT = { ttftMs: 20, tokensPerSecond: 400, maxNumSeqs: SLOTS };
const OVERHEAD: OverheadOptions = {
  rate: 200,
  seconds: PLAN.overheadS,
  warmupSeconds: PLAN.warmupS,
  maxSamples: PLAN.samples,
  maxTokens: 16,
};
// 16 and 64 slots at 100 tokens/s each; 256 slots at 25 tokens/s each, so that its capacity
// (~200 jobs/s, like 64 slots) tests the queue window and not this small machine's CPUs.
const EFFICIENCY: SlotsSetting[] = [
  { slots: 16, ttftMs: 50, tokensPerSecond: 100 },
  { slots: SLOTS, ttftMs: 50, tokensPerSecond: 100 },
  { slots: 256, ttftMs: 50, tokensPerSecond: 25 },
];

async function main(): Promise<void> {
  const started = performance.now();
  const times = new PhaseTimes();
  const profDir = flags['cpu-prof'] ? await mkdtemp(path.join(os.tmpdir(), 'agent-prof-')) : null;
  say(
    `Agent benchmark (${quick ? 'quick' : 'full'}): devnet, sim runtime and node in separate processes, ${os.cpus().length} cores`,
  );
  // The figures only mean something on a quiet machine: measure what else is running first.
  const busyBefore = await machineBusyPct(quick ? 1000 : 3000);
  say(
    `machine busy before the run: ${busyBefore.toFixed(0)} % of all cores (load average ${os.loadavg()[0]!.toFixed(1)})`,
  );
  if (busyBefore > 20) {
    say(
      'WARNING: other work is using the CPUs; throughput and latency figures will be worse than on a quiet machine.',
    );
  }
  const stack = await Stack.start({
    prefix: 'resultity-bench-',
    runtime: OVERHEAD_RT,
    deferAgent: true,
    // The floor relay starts while esbuild bundles the node; the floor is measured after.
    buildAgentInBackground: true,
    agent: {
      logLevel: 'warn',
      // Its ops server (/metrics) on as by default, on a free port: 9464 may be another node's.
      args: ['--ops-port', '0'],
      ...(profDir ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] } : {}),
    },
  });
  say(`devnet and runtime ready${times.end('start')}`);
  const figures: BenchFigures = {
    overhead_p50_ms: null,
    overhead_p99_ms: null,
    efficiency: null,
    ceiling_jobs_per_s: null,
    idle_cpu_pct: null,
    idle_rss_mb: null,
    load_cpu_pct: null,
    load_rss_mb: null,
    load_cpu_ms_per_job: null,
    jobs_lost: null,
    duplicates_accepted: null,
    machine_busy_before_pct: round(busyBefore, 1),
  };
  try {
    // The floor first, alone on the devnet: the same phase through the minimal relay.
    let floor: Awaited<ReturnType<typeof overheadPhase>> | null = null;
    if (want('overhead')) {
      const relay = await startFloorRelay(stack, SLOTS);
      await stack.agentBuilt();
      floor = await overheadPhase(stack, OVERHEAD, relay.proc.pid);
      await relay.stop();
      Object.assign(figures, {
        floor_overhead_p50_ms: round(floor.overheadP50, 3),
        floor_overhead_p99_ms: round(floor.overheadP99, 3),
        floor_cpu_ms_per_job: round(floor.cpuMsPerJob, 3),
        floor_rss_mb: round(floor.load.rssMaxMb, 1),
      });
      say(
        `floor relay at 200 jobs/s (${PLAN.overheadS} s, ${floor.completed} jobs; same devnet, runtime and signing, nothing else): overhead p50 ${figures.floor_overhead_p50_ms} ms, p99 ${figures.floor_overhead_p99_ms} ms; CPU ${round(floor.cpuMsPerJob, 3)} ms per job${times.end('floor')}`,
      );
    }
    await stack.agentBuilt();

    stack.startAgent();
    await stack.waitInRotation(60_000);
    say(
      `node ${(await stack.node())?.node_id} is active on the devnet at ${stack.devnet.url}${times.end('join')}`,
    );

    if (want('idle')) {
      const idle = await idlePhase(stack, PLAN.idleS);
      figures.idle_cpu_pct = round(idle.cpuPct, 3);
      figures.idle_rss_mb = round(idle.rssLastMb, 1);
      say(
        `idle (${PLAN.idleS} s, heartbeats only): CPU ${describeTarget('idle_cpu_pct', figures.idle_cpu_pct, ' %')}, RSS ${describeTarget('idle_rss_mb', figures.idle_rss_mb, ' MB')}${times.end('idle')}`,
      );
    }
    if (floor) {
      const oh = await overheadPhase(stack, OVERHEAD);
      figures.overhead_p50_ms = round(oh.overheadP50, 3);
      figures.overhead_p99_ms = round(oh.overheadP99, 3);
      figures.load_cpu_pct = round(oh.load.cpuPct, 1);
      figures.load_rss_mb = round(oh.load.rssMaxMb, 1);
      figures.load_cpu_ms_per_job = round(oh.cpuMsPerJob, 3);
      Object.assign(figures, {
        floor_overhead_p50_ms: figures.floor_overhead_p50_ms,
        overhead_ratio_to_floor: ratio(oh.overheadP50, floor.overheadP50),
        cpu_ms_per_job_ratio_to_floor: ratio(oh.cpuMsPerJob, floor.cpuMsPerJob),
        overhead_p90_ms: round(oh.overheadP90, 3),
        overhead_max_ms: round(oh.overheadMax, 3),
        overhead_samples: oh.samples,
        overhead_rate_jobs_per_s: round(oh.achievedRate, 1),
        network_p50_ms: round(oh.networkP50, 3),
        runtime_p50_ms: oh.runtimeP50,
      });
      say(
        `overhead at 200 jobs/s (${PLAN.overheadS} s, ${oh.completed} jobs, ${oh.samples} sampled): assignment→result p50 ${round(oh.networkP50)} ms − runtime_ms p50 ${oh.runtimeP50} ms`,
      );
      say(
        `  agent overhead p50 ${describeTarget('overhead_p50_ms', figures.overhead_p50_ms, ' ms')}, p99 ${describeTarget('overhead_p99_ms', figures.overhead_p99_ms, ' ms')}, p90 ${round(oh.overheadP90, 3)} ms, max ${round(oh.overheadMax, 3)} ms; ${String(figures.overhead_ratio_to_floor)}× the floor's p50`,
      );
      say(
        `  under load: CPU ${figures.load_cpu_pct} % of one core, ${describeTarget('load_cpu_ms_per_job', figures.load_cpu_ms_per_job, ' ms')} per job (${String(figures.cpu_ms_per_job_ratio_to_floor)}× the floor), RSS ${describeTarget('load_rss_mb', figures.load_rss_mb, ' MB')} (max)${times.end('overhead')}`,
      );
    }
    for (const [i, setting] of want('efficiency') ? EFFICIENCY.entries() : []) {
      const eff = await efficiencyAt(stack, setting, PLAN.efficiencyS[i]!);
      const key = setting.slots === SLOTS ? 'efficiency' : `efficiency_${setting.slots}`;
      figures[key] = round(eff.efficiency, 4);
      const at = setting.slots === SLOTS ? '' : `_${setting.slots}`;
      Object.assign(figures, {
        [`efficiency${at}_achieved_jobs_per_s`]: round(eff.achieved, 1),
        [`efficiency${at}_capacity_jobs_per_s`]: round(eff.capacity, 1),
        [`efficiency${at}_advertised`]: eff.advertised,
        [`efficiency${at}_deadline_misses`]: eff.deadlineMisses,
        [`efficiency${at}_advertised_at_end`]: eff.advertisedAtEnd,
        [`efficiency${at}_slot_occupancy`]: round(eff.runtime.occupancy, 4),
        [`efficiency${at}_window_dry_share`]: round(eff.runtime.dryShare, 4),
        [`efficiency${at}_machine_busy_pct`]: round(eff.runtime.machineBusyPct, 1),
        [`efficiency${at}_runtime_service_ms`]: round(eff.runtime.serviceMs, 1),
        [`efficiency${at}_vs_runtime_service`]: round(eff.efficiencyVsRuntime, 4),
      });
      const shown =
        key === 'efficiency'
          ? describeTarget('efficiency', figures.efficiency)
          : String(figures[key]);
      say(
        `efficiency (${PLAN.efficiencyS[i]} s, ${setting.slots} slots, node announces ${eff.advertised} jobs, ttft ${setting.ttftMs} ms, ${setting.tokensPerSecond} tok/s, ${round(eff.meanTokens, 1)} tokens/job → ${round(eff.serviceMs, 1)} ms/job): offered ${round(eff.offered, 1)} jobs/s, achieved ${round(eff.achieved, 1)} of ${round(eff.capacity, 1)} → ${shown}; deadline misses ${eff.deadlineMisses}; node ready in ${round(eff.readyS, 1)} s, drained in ${round(eff.drainS, 1)} s${times.end(`efficiency_${setting.slots}`)}`,
      );
      // Idle slots are the node's (its window ran dry); full slots and fewer jobs, the runtime's.
      say(
        `  runtime slots busy ${round((eff.runtime.occupancy ?? 0) * 100, 1)} % of the time, none waiting with a slot idle in ${round((eff.runtime.dryShare ?? 0) * 100, 1)} % of ${eff.runtime.samples} samples; node announced ${eff.advertisedAtEnd} jobs at the end; machine ${round(eff.runtime.machineBusyPct, 0)} % busy (all processes)`,
      );
      say(
        `  the runtime served a request in ${round(eff.runtime.serviceMs, 1)} ms (nominal ${round(eff.serviceMs, 1)}: its scheduler steps, its CPU) → ${round(eff.efficiencyVsRuntime, 4)} of what it really could`,
      );
    }

    if (want('ceiling')) {
      await stack.admin.publish({ runtime: { max_num_seqs: SLOTS }, jobs: { max_queue_size: 80 } });
      await stack.restartRuntime({ instant: true, maxNumSeqs: SLOTS });
      await stack.waitInRotation();
      const ceil = await ceilingPhase(stack, PLAN.ceilingS, PLAN.backlog);
      figures.ceiling_jobs_per_s = round(ceil.rate, 1);
      Object.assign(figures, {
        ceiling_cpu_pct: round(ceil.cpu.cpuPct, 1),
        ceiling_cpu_ms_per_job: round(ceil.cpuMsPerJob, 3),
      });
      say(
        `ceiling (instant runtime, ${PLAN.ceilingS} s, signing + journaling included): ${describeTarget('ceiling_jobs_per_s', figures.ceiling_jobs_per_s, ' jobs/s')}; node CPU ${round(ceil.cpu.cpuPct, 1)} % of one core, ${round(ceil.cpuMsPerJob, 3)} ms CPU per job (a free core would allow ~${ceil.cpuMsPerJob ? Math.round(1000 / ceil.cpuMsPerJob) : 'n/a'} jobs/s)${times.end('ceiling')}`,
      );
    }
    await waitSettled(stack.admin, 60_000);
    const ledger = await ledgerCheck(stack.admin);
    figures.jobs_lost = ledger.lost;
    figures.duplicates_accepted = ledger.duplicatesAccepted;
    Object.assign(figures, { jobs_submitted: ledger.submitted, jobs_failed: ledger.failed });
    say(
      `ledger: ${ledger.submitted} submitted, ${ledger.completed} completed, ${ledger.failed} failed; lost ${describeTarget('jobs_lost', ledger.lost)}, duplicates accepted ${describeTarget('duplicates_accepted', ledger.duplicatesAccepted)}${times.end('ledger')}`,
    );
  } finally {
    await stack.close().catch(() => stopAll());
  }
  let modules: HotSpot[] | null = null;
  let functions: HotSpot[] | null = null;
  if (profDir) {
    functions = await hotSpots(profDir);
    modules = await hotModules(profDir);
    say(`node CPU profile (${profDir}), share of busy self time by function:`);
    for (const h of functions)
      say(`  ${h.selfPct.toFixed(1).padStart(5)} %  ${h.name}  ${h.where}`);
    say('by module:');
    for (const h of modules) say(`  ${h.selfPct.toFixed(1).padStart(5)} %  ${h.name}`);
  }
  say('targets:');
  for (const line of targetLines(figures)) say(line);
  for (const line of missedLines(
    { f: figures, cores: os.cpus().length, modules, functions },
    Object.keys(TARGETS) as TargetKey[],
  ))
    say(line);
  const total = (performance.now() - started) / 1000;
  say(`done in ${total.toFixed(1)} s (${times.summary()})`);
  say(
    JSON.stringify(
      withTargets({
        ...figures,
        mode: quick ? 'quick' : 'full',
        ...(flags.only ? { only: only } : {}),
        seconds: round(total, 1),
        phase_seconds: times.seconds,
      }),
    ),
  );
}

main().catch(async (err: unknown) => {
  await stopAll();
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
