import {
  PROTOCOL_VERSION,
  type BenchmarkReport,
  type ConfigSnapshot,
  type ConfigStatus,
  type HardwareProfile,
  type HeartbeatBody,
  type OperatorPause,
  type PowerEnvelope,
  type RuntimeUpdateReport,
} from '../protocol/index.js';
import type { JobEngineApi } from '../jobs/job-engine-api.js';
import { systemClock, type Clock } from '../clock.js';
import type { Runtime, RuntimeMetrics } from '../runtime/runtime.js';
import { METRICS_TIMEOUT_MS } from '../runtime/vllm-metrics.js';
import type { GpuStatusSampler } from '../system/gpu-status.js';
import type { MemoryReader } from '../system/memory.js';
import type { ConfigSync } from '../config/config-sync.js';
import type { AccountLink } from './agent-deps.js';
import type { AgentState } from './state-machine.js';

export interface HeartbeatSources {
  agentVersion: string;
  startedAt: number;
  now: number;
  state: AgentState;
  runtime: Pick<Runtime, 'kind' | 'status' | 'metrics' | 'models'>;
  gpuSampler: GpuStatusSampler;
  memory: MemoryReader;
  config: { snapshot: ConfigSnapshot; digest: string } | null;
  configStatus: ConfigStatus;
  jobs: Pick<JobEngineApi, 'counters'>;
  /** The node's owner (heartbeats carry its state). */
  account?: Pick<AccountLink, 'state'>;
  /**
   * Models on disk whose every file passed its SHA-256 check (name + revision); defaults to the
   * runtime's model store, and to none when the node does not manage the files.
   */
  installedModels?: () => { name: string; revision: string }[];
  /** This machine now (GPUs, Docker engine, OS); heartbeats carry it so the network's record follows. */
  hardware?: () => Promise<HardwareProfile>;
  /** The last test task's measurement (benchmark.ts), once there is one. */
  benchmark?: (() => BenchmarkReport | null) | undefined;
  /**
   * Metrics read before the other sources (see `readRuntimeMetrics`); when absent they are
   * read here, first, and everything else after them.
   */
  metrics?: RuntimeMetrics;
  /** The operator's pause (docs/PROTOCOL.md, "Operator pause"); absent: not reported. */
  operatorPause?: () => OperatorPause | null;
  /** The operator's power and thermal limits; absent: not reported. */
  powerEnvelope?: () => PowerEnvelope | null;
  /** The last runtime image change (updates.runtime); absent or null: not reported. */
  runtimeUpdate?: () => RuntimeUpdateReport | null;
}

const NO_METRICS: RuntimeMetrics = {
  running: null,
  waiting: null,
  kvCacheUsage: null,
  timeToFirstTokenSeconds: null,
  generationTokensTotal: null,
};

const count = (n: number | null) => (n === null ? null : Math.max(0, Math.round(n)));

/**
 * The runtime's metrics, or nulls when they fail or take longer than `timeoutMs`: a hung
 * /metrics must not hold the heartbeat past its window.
 */
export function readRuntimeMetrics(
  runtime: Pick<Runtime, 'metrics'>,
  clock: Clock = systemClock,
  timeoutMs = METRICS_TIMEOUT_MS,
): Promise<RuntimeMetrics> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => resolve(NO_METRICS), timeoutMs);
    const done = (m: RuntimeMetrics) => {
      clock.clearTimeout(timer);
      resolve(m);
    };
    runtime.metrics().then(done, () => done(NO_METRICS));
  });
}

/**
 * Every field of a heartbeat, read from the node's parts (metrics failures become nulls). The
 * metrics are awaited first so the state reported is the one after the wait.
 */
export async function buildHeartbeat(src: HeartbeatSources): Promise<HeartbeatBody> {
  const metrics = src.metrics ?? (await readRuntimeMetrics(src.runtime));
  const status = src.runtime.status();
  const served = new Set(status.servedModels);
  const approved = src.config?.snapshot.models ?? [];
  const active = approved
    .filter((m) => served.has(m.served_name))
    .map((m) => ({ name: m.name, revision: m.revision }));
  const kv = metrics.kvCacheUsage;
  return {
    agent_version: src.agentVersion,
    runtime_version: status.version,
    protocol_version: PROTOCOL_VERSION,
    state: src.state.name,
    state_reason: src.state.reason.slice(0, 500),
    uptime_s: Math.max(0, Math.floor((src.now - src.startedAt) / 1000)),
    gpus: src.gpuSampler.sample(),
    memory: src.memory(),
    config_digest: src.config?.digest ?? null,
    config_status: src.configStatus,
    models: {
      installed: src.installedModels?.() ?? src.runtime.models?.installed() ?? [],
      active,
    },
    runtime: {
      kind: src.runtime.kind,
      healthy: status.state === 'ready',
      running_requests: count(metrics.running),
      waiting_requests: count(metrics.waiting),
      kv_cache_usage: kv === null ? null : Math.min(1, Math.max(0, kv)),
      detail: status.detail.slice(0, 500),
    },
    jobs: src.jobs.counters(),
    ...(src.hardware ? { hardware: await src.hardware() } : {}),
    ...(src.operatorPause ? { operator_pause: src.operatorPause() } : {}),
    ...envelopeField(src.powerEnvelope?.() ?? null),
    ...benchmarkField(src.benchmark?.() ?? null),
    ...updateField(src.runtimeUpdate?.() ?? null),
    ...(src.account ? { account: src.account.state() } : {}),
  };
}

const envelopeField = (e: PowerEnvelope | null) => (e ? { power_envelope: e } : {});
const benchmarkField = (b: BenchmarkReport | null) => (b ? { benchmark: b } : {});
const updateField = (u: RuntimeUpdateReport | null) => (u ? { runtime_update: u } : {});

/** What a heartbeat reads at send time: the live state, the clock and the configuration. */
export type LiveHeartbeatSources = Omit<
  HeartbeatSources,
  'now' | 'metrics' | 'state' | 'config' | 'configStatus'
> & {
  clock: Clock;
  state: () => AgentState;
  config: Pick<ConfigSync, 'snapshot' | 'status'>;
};

/** Metrics first (bounded wait), then the state and configuration as they are after it. */
export async function heartbeatAfterMetrics(src: LiveHeartbeatSources): Promise<HeartbeatBody> {
  const metrics = await readRuntimeMetrics(src.runtime, src.clock);
  const applied = src.config.snapshot();
  return buildHeartbeat({
    ...src,
    now: src.clock.now(),
    metrics,
    state: src.state(),
    config: applied ? { snapshot: applied.snapshot, digest: applied.digest } : null,
    configStatus: src.config.status(),
  });
}
