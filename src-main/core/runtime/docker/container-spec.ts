import type Docker from 'dockerode';
import { NETWORK_LABEL, OWNER_LABEL, PLAN_LABEL, ROLE_LABEL } from './labels.js';

/** vLLM listens here inside the container; the host side is a free 127.0.0.1 port. */
export const CONTAINER_PORT = 8000;
const HF_HOME = '/root/.cache/huggingface';
const VLLM_CACHE = '/root/.cache/vllm';

export interface VllmContainerSpec {
  /** Image reference, pinned: `repo@sha256:…`. */
  image: string;
  network: string;
  planHash: string;
  model: { name: string; servedName: string; revision: string; maxModelLen: number };
  maxNumSeqs: number;
  gpuMemoryUtilization: number;
  /** GPU device requests; null runs without a GPU (the simulated stand-in on a GPU-less machine). */
  deviceRequests: Docker.DeviceRequest[] | null;
  /** Host folders, under the node's data folder. Nothing else of the host is mounted. */
  hfCacheDir: string;
  compileCacheDir: string;
  /** Weights were installed and hash-checked by the node: forbid vLLM to fetch anything. */
  offline: boolean;
  /** Use `--ipc=host` (vLLM's advice); otherwise a large /dev/shm. */
  ipcHost?: boolean;
  shmSizeBytes?: number;
  stopTimeoutSec?: number;
  extraArgs?: string[];
}

export interface ContainerInstance {
  name: string;
  hostPort: number;
  apiKey: string;
}

/** vLLM's command line for a plan (the image's entrypoint is `vllm serve`). */
export function vllmArgs(spec: VllmContainerSpec, apiKey: string): string[] {
  return [
    '--model',
    spec.model.name,
    '--revision',
    spec.model.revision,
    '--served-model-name',
    spec.model.servedName,
    '--max-model-len',
    String(spec.model.maxModelLen),
    '--max-num-seqs',
    String(spec.maxNumSeqs),
    '--gpu-memory-utilization',
    spec.gpuMemoryUtilization.toFixed(2),
    '--host',
    '0.0.0.0',
    '--port',
    String(CONTAINER_PORT),
    '--api-key',
    apiKey,
    ...(spec.extraArgs ?? []),
  ];
}

/**
 * The full create request. Ports bind to 127.0.0.1 only; the only mounts are the two cache
 * folders; the node's keys, settings and journal are never mounted or passed in.
 */
export function buildCreateOptions(
  spec: VllmContainerSpec,
  instance: ContainerInstance,
): Docker.ContainerCreateOptions {
  const port = `${CONTAINER_PORT}/tcp`;
  const env = [
    `HF_HOME=${HF_HOME}`,
    `VLLM_CACHE_ROOT=${VLLM_CACHE}`,
    'VLLM_NO_USAGE_STATS=1',
    'DO_NOT_TRACK=1',
    ...(spec.offline ? ['HF_HUB_OFFLINE=1', 'TRANSFORMERS_OFFLINE=1'] : []),
  ];
  const ipcHost = spec.ipcHost ?? true;
  return {
    name: instance.name,
    Image: spec.image,
    Cmd: vllmArgs(spec, instance.apiKey),
    Env: env,
    Labels: {
      [OWNER_LABEL]: '1',
      [NETWORK_LABEL]: spec.network,
      [PLAN_LABEL]: spec.planHash,
      [ROLE_LABEL]: 'vllm',
      'network.resultity.model': spec.model.servedName,
    },
    ExposedPorts: { [port]: {} },
    StopSignal: 'SIGTERM',
    StopTimeout: spec.stopTimeoutSec ?? 30,
    HostConfig: {
      PortBindings: { [port]: [{ HostIp: '127.0.0.1', HostPort: String(instance.hostPort) }] },
      Binds: [`${spec.hfCacheDir}:${HF_HOME}`, `${spec.compileCacheDir}:${VLLM_CACHE}`],
      ...(ipcHost ? { IpcMode: 'host' } : { ShmSize: spec.shmSizeBytes ?? 8 * 1024 ** 3 }),
      ...(spec.deviceRequests ? { DeviceRequests: spec.deviceRequests } : {}),
      // The node supervises restarts itself (with backoff and recreation).
      RestartPolicy: { Name: 'no' },
      LogConfig: { Type: 'json-file', Config: { 'max-size': '50m', 'max-file': '3' } },
    },
  };
}

/** Docker's words for "the host port is taken" on Linux, Docker Desktop and Windows. */
export function isPortTakenError(err: unknown): boolean {
  const text = err instanceof Error ? err.message : String(err);
  return /port is already allocated|address already in use|Ports are not available|Only one usage of each socket address/i.test(
    text,
  );
}
