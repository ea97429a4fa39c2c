import type Docker from 'dockerode';
import { confinedHostConfig, type ContainerUser } from './container-confinement.js';
import { INSTANCE_LABEL, NETWORK_LABEL, OWNER_LABEL, PLAN_LABEL, ROLE_LABEL } from './labels.js';
import { modelArgs, offlineEnv } from './model-source.js';
import {
  HF_HOME,
  VLLM_CACHE,
  compileCachePath,
  modelsVolumeMounts,
  type ModelsVolumeMount,
} from './cache-mounts.js';

/** vLLM listens here inside the container; the host side is a free 127.0.0.1 port. */
export const CONTAINER_PORT = 8000;

export interface VllmContainerSpec {
  /** Image reference, pinned: `repo@sha256:…`. */
  image: string;
  network: string;
  /** The starting data folder's mark (runtime-instance.ts), as INSTANCE_LABEL. */
  instance?: string;
  planHash: string;
  model: { name: string; servedName: string; revision: string; maxModelLen: number };
  maxNumSeqs: number;
  gpuMemoryUtilization: number;
  /** GPU device requests; null runs without a GPU (the simulated stand-in on a GPU-less machine). */
  deviceRequests: Docker.DeviceRequest[] | null;
  /** Host folders, under the node's data folder. Nothing else of the host is mounted. */
  hfCacheDir: string;
  compileCacheDir: string;
  /**
   * Set when the node itself runs in a container (the agent image): the named volume that holds
   * both caches (as `huggingface/` and `vllm/`), mounted instead of the two folders, which a
   * sibling container could not see (cache-mounts.ts: verified weights read-only).
   */
  modelsVolume?: ModelsVolumeMount;
  /** Weights were installed and hash-checked by the node: forbid vLLM to fetch anything. */
  offline: boolean;
  /** The non-root user vLLM runs as (see containerUser). */
  user: ContainerUser;
  /** Size of the container's own /dev/shm (the host's IPC namespace is never shared). */
  shmSizeBytes?: number;
  stopTimeoutSec?: number;
  extraArgs?: string[];
}

export interface ContainerInstance {
  name: string;
  hostPort: number;
  apiKey: string;
}

/**
 * vLLM's command line for a plan (the image's entrypoint is `vllm serve`). The API key is not
 * on it: any local user can read a command line in `ps`; vLLM reads VLLM_API_KEY instead.
 */
export function vllmArgs(spec: VllmContainerSpec): string[] {
  return [
    ...modelArgs(spec.model, spec.offline ? HF_HOME : null),
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
    ...(spec.extraArgs ?? []),
  ];
}

/**
 * Where vLLM and the libraries under it write. The image is read-only, so every cache is sent
 * either to the compile cache `compile` (mounted and kept across restarts, or in /tmp under a
 * read-only models volume: compileCachePath) or to $HOME = the /tmp tmpfs.
 */
function cacheEnv(compile: string): string[] {
  return [
    `HF_HOME=${HF_HOME}`,
    `VLLM_CACHE_ROOT=${compile}`,
    `TRITON_CACHE_DIR=${compile}/triton`,
    `TORCHINDUCTOR_CACHE_DIR=${compile}/torchinductor`,
    `FLASHINFER_WORKSPACE_BASE=${compile}`,
    `CUDA_CACHE_PATH=${compile}/nv`,
    'HOME=/tmp',
    'XDG_CACHE_HOME=/tmp/.cache',
    'VLLM_CONFIG_ROOT=/tmp/.config/vllm',
    // getpass.getuser() (torch) fails for a uid without a passwd entry unless USER is set.
    'USER=vllm',
    'PYTHONDONTWRITEBYTECODE=1',
  ];
}

/**
 * The full create request. Ports bind to 127.0.0.1 only; the only mounts are the two cache
 * folders (the Hugging Face one read-only once the node installed and verified the weights) or,
 * for a node that runs in a container, the models volume that holds them (read-only likewise);
 * the node's keys, settings and journal are never mounted or passed in. The container is
 * confined: a non-root user, no capabilities, no-new-privileges, a pids limit, a read-only
 * image with a /tmp tmpfs, and its own IPC namespace.
 */
export function buildCreateOptions(
  spec: VllmContainerSpec,
  instance: ContainerInstance,
): Docker.ContainerCreateOptions {
  const port = `${CONTAINER_PORT}/tcp`;
  const env = [
    `VLLM_API_KEY=${instance.apiKey}`,
    ...cacheEnv(compileCachePath(spec.modelsVolume, spec.offline)),
    'VLLM_NO_USAGE_STATS=1',
    'DO_NOT_TRACK=1',
    ...offlineEnv(spec.offline),
  ];
  const hfMode = spec.offline ? 'ro' : 'rw';
  const mounts: Pick<Docker.HostConfig, 'Binds' | 'Mounts'> = spec.modelsVolume
    ? { Mounts: modelsVolumeMounts(spec.modelsVolume, spec.offline) }
    : {
        Binds: [
          `${spec.hfCacheDir}:${HF_HOME}:${hfMode}`,
          `${spec.compileCacheDir}:${VLLM_CACHE}:rw`,
        ],
      };
  return {
    name: instance.name,
    Image: spec.image,
    Cmd: vllmArgs(spec),
    Env: env,
    User: `${spec.user.uid}:${spec.user.gid}`,
    Labels: {
      [OWNER_LABEL]: '1',
      [NETWORK_LABEL]: spec.network,
      [PLAN_LABEL]: spec.planHash,
      ...(spec.instance ? { [INSTANCE_LABEL]: spec.instance } : {}),
      [ROLE_LABEL]: 'vllm',
      'network.resultity.model': spec.model.servedName,
    },
    ExposedPorts: { [port]: {} },
    StopSignal: 'SIGTERM',
    StopTimeout: spec.stopTimeoutSec ?? 30,
    HostConfig: {
      ...confinedHostConfig({ shmBytes: spec.shmSizeBytes }),
      PortBindings: { [port]: [{ HostIp: '127.0.0.1', HostPort: String(instance.hostPort) }] },
      ...mounts,
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
