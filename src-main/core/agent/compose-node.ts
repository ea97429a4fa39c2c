import { RetryGate } from './retry-gate.js';
import { Agent } from './agent.js';
import { systemClock, type Clock } from '../clock.js';
import type { NetworkProfile } from '../config/network-profiles.js';
import type { OperatorLimits } from '../config/runtime-plan.js';
import { RuntimeUpdater } from '../config/runtime-update.js';
import { SnapshotStore } from '../config/snapshot-store.js';
import { JobEngine } from '../jobs/job-engine.js';
import type { Logger } from '../logger.js';
import { IoHttpClient, type FetchFn } from '../network/io-http-client.js';
import { requiresTls } from '../config/network-profiles.js';
import { JobLink } from '../network/job-link.js';
import type { AccountBindingWire, HardwareProfile, OwnerStatus } from '../protocol/index.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DataDirs } from '../store/data-dirs.js';
import { FINISHED_RETENTION_MS, type JobJournal } from '../store/journal.js';
import { openJobJournal } from '../store/journal-open.js';
import { nullGpuSampler, type GpuStatusSampler } from '../system/gpu-status.js';
import { hardwareProfile } from '../system/hardware-profile.js';
import type { MemoryReader } from '../system/memory.js';
import type { AgentDeps, AgentIdentity, AgentOptions } from './agent-deps.js';
import type { BenchmarkRecorder } from './benchmark.js';
import { LinkSession } from './link-session.js';
import type { LogOutbox } from './log-uploader.js';

export interface ComposeNodeOptions {
  profile: NetworkProfile;
  dirs: DataDirs;
  identity: AgentIdentity;
  runtime: Runtime;
  logger: Logger;
  agentVersion: string;
  clock?: Clock;
  fetch?: FetchFn;
  gpuSampler?: GpuStatusSampler;
  hardware?: () => Promise<HardwareProfile>;
  memory?: MemoryReader;
  logOutbox?: LogOutbox;
  logStore?: AgentDeps['logStore'];
  driverMajor?: () => number | null;
  /** The operator's settings, read live (they lower max_num_seqs and raise the VRAM kept free). */
  operator?: () => OperatorLimits;
  agentOptions?: AgentOptions;
  /** Records the test task's measurement (kept per network, reported in heartbeats). */
  benchmark?: BenchmarkRecorder;
  /** The node's owner (identity/owner-binder.ts). */
  account?: AgentDeps['account'];
  /** The operator's temperature ceiling and power cap (fewer jobs near them; heartbeats). */
  gpuLimits?: AgentDeps['gpuLimits'];
}

export interface ComposedNode {
  agent: Agent;
  /** When the node next tries to reach the network; retryNow() tries at once. */
  retryGate: RetryGate;
  jobEngine: JobEngine;
  journal: JobJournal;
  /**
   * The operator changed a limit: the runtime follows the new plan (a changed command line
   * restarts it) and the job session re-announces its max_concurrency.
   */
  limitsChanged(): Promise<void>;
  /** Sends an owner claim with this node's key (answered 404 until the node is registered). */
  sendOwnerClaim(claim: AccountBindingWire): Promise<OwnerStatus>;
  /** Stops the agent (drain) if it still runs, then closes the engine and the journal. */
  close(reason?: string): Promise<void>;
}

/**
 * Wires a node from real parts: signed HTTP client, WebSocket job link, job journal and
 * job engine, around the given runtime. Desktop and headless hosts both start here.
 */
export function composeNode(o: ComposeNodeOptions): ComposedNode {
  const clock = o.clock ?? systemClock;
  const journal = openJobJournal(o.dirs.journal, {
    logger: o.logger,
    // The engine would prune these at its first sweep: never hold a long journal whole.
    forgetFinishedBefore: clock.now() - FINISHED_RETENTION_MS,
  });
  // One holder of the job link: the engine sends its results through it, the agent opens it.
  const link = new LinkSession((opts) => new JobLink(opts), clock, o.logger.child('agent'));
  // Image switches wait for the engine's running jobs; the engine refuses new ones meanwhile.
  const runtimeUpdates: RuntimeUpdater = new RuntimeUpdater({
    runtime: o.runtime,
    inFlight: () => jobEngine.counters().in_flight,
    clock,
    logger: o.logger.child('runtime'),
  });
  const jobEngine = new JobEngine({
    runtime: o.runtime,
    journal,
    link,
    clock,
    logger: o.logger,
    held: () => runtimeUpdates.held(),
  });
  const retryGate = new RetryGate(clock);
  const agent = new Agent({
    retryGate,
    profile: o.profile,
    dirs: o.dirs,
    identity: o.identity,
    createIo: (opts) => new IoHttpClient({ ...opts, ...(o.fetch ? { fetch: o.fetch } : {}) }),
    link,
    runtime: o.runtime,
    jobEngine,
    configStore: new SnapshotStore(o.dirs),
    clock,
    logger: o.logger,
    gpuSampler: o.gpuSampler ?? nullGpuSampler,
    hardware: o.hardware ?? (async () => hardwareProfile({ gpus: [], dockerVersion: null })),
    agentVersion: o.agentVersion,
    ...(o.memory ? { memory: o.memory } : {}),
    ...(o.logOutbox ? { logOutbox: o.logOutbox } : {}),
    ...(o.logStore ? { logStore: o.logStore } : {}),
    ...(o.driverMajor ? { driverMajor: o.driverMajor } : {}),
    ...(o.operator ? { operator: o.operator } : {}),
    ...(o.agentOptions ? { options: o.agentOptions } : {}),
    ...(o.benchmark ? { benchmark: () => o.benchmark?.current() ?? null } : {}),
    ...(o.account ? { account: o.account } : {}),
    ...(o.gpuLimits ? { gpuLimits: o.gpuLimits } : {}),
    journal,
    runtimeUpdates,
  });
  if (o.benchmark) {
    const recorder = o.benchmark;
    recorder.newRun();
    jobEngine.onEvent((e) => recorder.observe(e));
  }
  const ownerIo = new IoHttpClient({
    baseUrl: o.profile.ioUrl,
    signer: o.identity,
    clock,
    requireHttps: requiresTls(o.profile),
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
  let closing: Promise<void> | null = null;
  return {
    agent,
    jobEngine,
    journal,
    retryGate,
    limitsChanged: async () => {
      if (closing) return; // a stopped node must not start its runtime again
      await agent.config.ensureRuntime();
      agent.announcer.reannounce();
    },
    sendOwnerClaim: (claim) => ownerIo.bindOwner(claim),
    close: (reason = 'the node is shutting down') =>
      (closing ??= (async () => {
        await agent.stop(reason);
        await jobEngine.close();
        await journal.close();
      })()),
  };
}
