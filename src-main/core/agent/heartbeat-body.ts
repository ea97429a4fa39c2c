import {
  PROTOCOL_VERSION,
  type ConfigSnapshot,
  type ConfigStatus,
  type HeartbeatBody,
} from '../protocol/index.js';
import type { JobEngineApi } from '../jobs/job-engine-api.js';
import type { Runtime, RuntimeMetrics } from '../runtime/runtime.js';
import type { GpuStatusSampler } from '../system/gpu-status.js';
import type { MemoryReader } from '../system/memory.js';
import type { AgentState } from './state-machine.js';

export interface HeartbeatSources {
  agentVersion: string;
  startedAt: number;
  now: number;
  state: AgentState;
  runtime: Pick<Runtime, 'kind' | 'status' | 'metrics'>;
  gpuSampler: GpuStatusSampler;
  memory: MemoryReader;
  config: { snapshot: ConfigSnapshot; digest: string } | null;
  configStatus: ConfigStatus;
  jobs: Pick<JobEngineApi, 'counters'>;
  /** Models on disk (name + revision); defaults to the ones the runtime serves. */
  installedModels?: () => { name: string; revision: string }[];
}

const NO_METRICS: RuntimeMetrics = {
  running: null,
  waiting: null,
  kvCacheUsage: null,
  timeToFirstTokenSeconds: null,
  generationTokensTotal: null,
};

const count = (n: number | null) => (n === null ? null : Math.max(0, Math.round(n)));

/** Every field of a heartbeat, read from the node's parts (metrics failures become nulls). */
export async function buildHeartbeat(src: HeartbeatSources): Promise<HeartbeatBody> {
  const status = src.runtime.status();
  const metrics = await src.runtime.metrics().catch(() => NO_METRICS);
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
    models: { installed: src.installedModels?.() ?? active, active },
    runtime: {
      kind: src.runtime.kind,
      healthy: status.state === 'ready',
      running_requests: count(metrics.running),
      waiting_requests: count(metrics.waiting),
      kv_cache_usage: kv === null ? null : Math.min(1, Math.max(0, kv)),
      detail: status.detail.slice(0, 500),
    },
    jobs: src.jobs.counters(),
  };
}
