import type { RetryGate } from './retry-gate.js';
import type { Clock } from '../clock.js';
import type { OperatorLimits, PlanContext } from '../config/runtime-plan.js';
import type { RuntimeUpdater } from '../config/runtime-update.js';
import type { SnapshotStore } from '../config/snapshot-store.js';
import type { NetworkProfile } from '../config/network-profiles.js';
import type { JobEngineApi } from '../jobs/job-engine-api.js';
import type { Logger } from '../logger.js';
import type { IoApi, IoHttpClientOptions } from '../network/io-http-client.js';
import type {
  AccountBindingWire,
  AccountState,
  BenchmarkReport,
  HardwareProfile,
  MessageSigner,
  OwnerStatus,
  PowerEnvelope,
} from '../protocol/index.js';
import type { Runtime } from '../runtime/runtime.js';
import type { DataDirs } from '../store/data-dirs.js';
import type { JournalHealth } from '../store/journal-health.js';
import type { GpuStatusSampler } from '../system/gpu-status.js';
import type { MemoryReader } from '../system/memory.js';
import type { LinkSession } from './link-session.js';
import type { LogOutbox } from './log-uploader.js';

/** The node key as the agent uses it (NodeIdentity fits; the private key never leaves it). */
export interface AgentIdentity extends MessageSigner {
  readonly nodeId: string;
  /** Uncompressed 0x04… public key. */
  readonly publicKey: string;
}

export interface AgentOptions {
  /** How long a stop waits for in-flight jobs. Default 60 s. */
  drainTimeoutMs?: number;
  /** A job connection down for longer than this makes the node degraded. Default 5 s. */
  linkGraceMs?: number;
  /** A fixed cap on jobs at once (tests); lowers the snapshot's runtime.max_num_seqs. */
  maxConcurrency?: number;
  /** Registration retry backoff. Default 1 s → 60 s. */
  registerRetry?: { baseMs: number; maxMs: number };
  /** Heartbeat period before any snapshot is known. Default 10 s. */
  defaultHeartbeatMs?: number;
  /** Transport ping period of the job link. Default 15 s. */
  pingIntervalMs?: number;
  /** How long running jobs may finish when the operator pauses the node. Default 10 s. */
  pauseGraceMs?: number;
}

/** The owner as the agent carries it: a claim at registration, a state in heartbeats. */
export interface AccountLink {
  claim(): AccountBindingWire | null;
  state(): AccountState;
  /** The network's answer (registration: to the claim; heartbeat: what it holds). */
  heard(status: OwnerStatus | undefined, source: 'registration' | 'heartbeat'): Promise<void>;
}

/** Every collaborator of the agent, injected (tests pass fakes or local servers). */
export interface AgentDeps {
  profile: NetworkProfile;
  dirs: DataDirs;
  identity: AgentIdentity;
  createIo: (opts: IoHttpClientOptions) => IoApi;
  /** The job link holder, shared with the job engine (which sends its results through it). */
  link: LinkSession;
  runtime: Runtime;
  jobEngine: JobEngineApi;
  configStore: SnapshotStore;
  clock: Clock;
  logger: Logger;
  gpuSampler: GpuStatusSampler;
  /** The operator's settings, read at each plan and session (they change while running). */
  operator?: () => OperatorLimits;
  /** Static hardware description for registration. */
  hardware: () => Promise<HardwareProfile>;
  /** The last test task's measurement, reported in heartbeats. */
  benchmark?: () => BenchmarkReport | null;
  memory?: MemoryReader;
  agentVersion: string;
  /** The node's owner with its proof (identity/owner-binder.ts): sent at registration. */
  account?: AccountLink;
  /** In-memory log upload (uploaded by the agent on the snapshot's flush period). */
  logOutbox?: LogOutbox;
  /** A log store with its own uploader (store/log-store.ts): flushed at stop, period from the snapshot. */
  logStore?: { flushUpstream(): Promise<void>; setFlushInterval(ms: number): void };
  /** NVIDIA driver major for the runtime image choice; null without a GPU. */
  driverMajor?: () => number | null;
  options?: AgentOptions;
  /** The wait between tries to reach the network, which "Retry now" cuts short. */
  retryGate?: RetryGate;
  /**
   * The operator's temperature ceiling and power cap (core/pause/gpu-limits.ts): near one the
   * node announces half its jobs at once; heartbeats carry them as `power_envelope`.
   */
  gpuLimits?: {
    reducing(): boolean;
    envelope(reducedConcurrency: number | null): PowerEnvelope | null;
  };
  /** The job journal's writability: a node that cannot record jobs announces it takes none. */
  journal?: JournalHealth;
  /** Runtime image changes (updates.runtime): pulled while serving, tested, rolled back. */
  runtimeUpdates?: RuntimeUpdater;
}

/** What the runtime plan depends on besides the snapshot: the driver and the operator's limits. */
export function planContextOf(deps: Pick<AgentDeps, 'driverMajor' | 'operator'>): PlanContext {
  const operator = deps.operator?.();
  return { driverMajor: deps.driverMajor?.() ?? null, ...(operator ? { operator } : {}) };
}

/** The operator's cap on jobs at once, if any (the settings, or a fixed test option). */
export function concurrencyCapOf(deps: Pick<AgentDeps, 'operator' | 'options'>): number | null {
  return deps.operator?.().maxConcurrentJobs ?? deps.options?.maxConcurrency ?? null;
}
