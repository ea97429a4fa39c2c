// Scripted data for the fake node behind the dashboard in browser tests.
import type {
  GpuSampleDto,
  LogLevelName,
  LogLineDto,
  ModelDto,
  NodeStateDto,
  ProgressDto,
  SettingsDto,
  SetupCheckDto,
} from '../../../src-main/contract/index.js';

export const GPU_TOTAL_MB = 24_564;

export function initialNode(now: number): NodeStateDto {
  return {
    state: 'stopped',
    reason: 'The node is stopped. Press Start to register with the network and serve jobs.',
    since: now,
    nodeId: '0x8f3a51c2b7e94d06a1f2c3d4e5f60718293a4b5c',
    network: 'local',
    owner: null,
    startedAt: null,
    runtime: { kind: 'sim-vllm', state: 'stopped', detail: '', simulated: true },
    config: { digest: null, serial: 7, status: 'applied' },
    keyProtection: {
      kind: 'weak',
      summary:
        'The key is unlocked by a secret file next to it: anyone who copies this folder has the key.',
      warning:
        'The key passphrase is kept in a file next to the key (no system keyring found). Anyone who can read your home folder can use the key.',
    },
  };
}

export function gpuSample(ts: number, active: boolean, i: number): GpuSampleDto {
  const wave = Math.sin(i / 6) * 0.5 + 0.5;
  return {
    ts,
    index: 0,
    utilizationPct: active ? Math.round(55 + wave * 40) : Math.round(2 + wave * 3),
    memoryUsedMb: active ? Math.round(19_800 + wave * 900) : 1_120,
    memoryTotalMb: GPU_TOTAL_MB,
    temperatureC: active ? Math.round(62 + wave * 12) : 41,
    powerW: active ? Math.round(240 + wave * 160) : 28,
  };
}

export function gpuHistory(now: number): GpuSampleDto[] {
  const out: GpuSampleDto[] = [];
  for (let i = 150; i > 0; i--) out.push(gpuSample(now - i * 2000, false, i));
  return out;
}

export function models(): ModelDto[] {
  return [
    {
      name: 'Qwen/Qwen2.5-7B-Instruct',
      servedName: 'qwen2.5-7b-instruct',
      revision: 'a09a35458c702b33eeacc393d103063234e8bc28',
      approved: true,
      installed: true,
      active: true,
      verification: 'verified',
      sizeBytes: 15_231_233_024,
    },
    {
      name: 'meta-llama/Llama-3.1-8B-Instruct',
      servedName: 'llama-3.1-8b-instruct',
      revision: '0e9e39f249a16976918f6564b8830bc894c89659',
      approved: true,
      installed: false,
      active: false,
      verification: 'downloading',
      sizeBytes: 16_060_522_496,
    },
    {
      name: 'mistralai/Mistral-7B-Instruct-v0.3',
      servedName: 'mistral-7b-instruct',
      revision: 'e0bc86c23ce5aae1db576c8cca6f06f1f73af2db',
      approved: true,
      installed: true,
      active: false,
      verification: 'mismatch',
      sizeBytes: 14_496_047_104,
      detail:
        'model-00002-of-00003.safetensors: expected sha256 3f1a…e09c, found 77b2…1d40. It will be downloaded again.',
    },
  ];
}

export function progress(): ProgressDto[] {
  return [
    {
      id: 'pull-runtime',
      kind: 'image_pull',
      label: 'vllm/vllm-openai:v0.11.0',
      bytesDone: 9_126_805_504,
      bytesTotal: 9_126_805_504,
      etaSeconds: 0,
      state: 'done',
    },
    {
      id: 'dl-llama',
      kind: 'model_download',
      label: 'meta-llama/Llama-3.1-8B-Instruct',
      bytesDone: 6_442_450_944,
      bytesTotal: 16_060_522_496,
      etaSeconds: 312,
      state: 'running',
    },
  ];
}

export function setupChecks(): SetupCheckDto[] {
  return [
    { id: 'docker', label: 'Docker', state: 'pass', detail: 'Docker Engine 28.3 is running.' },
    {
      id: 'nvidia_driver',
      label: 'NVIDIA driver',
      state: 'pass',
      detail: 'Driver 580.82 (CUDA 13.0).',
    },
    {
      id: 'container_toolkit',
      label: 'NVIDIA Container Toolkit',
      state: 'pass',
      detail: 'The nvidia runtime is registered with Docker.',
    },
    {
      id: 'gpu_in_container',
      label: 'GPU inside a container',
      state: 'pass',
      detail: 'A test container saw GPU 0: NVIDIA GeForce RTX 4090.',
    },
    {
      id: 'vram',
      label: 'VRAM headroom',
      state: 'warn',
      detail: '2.1 GiB of 24.0 GiB is used by other programs.',
      fix: 'Close games or other GPU-heavy apps while the node runs, or lower "VRAM kept free" in Settings.',
    },
    {
      id: 'disk',
      label: 'Disk space',
      state: 'fail',
      detail: '11 GiB free on /var/lib/docker; the next model needs 16 GiB.',
      fix: 'Free at least 6 GiB on the disk that holds /var/lib/docker (docker system prune removes unused images), then run the checks again.',
    },
    {
      id: 'network',
      label: 'Network',
      state: 'pass',
      detail: 'The network service answered in 42 ms.',
    },
  ];
}

export function settings(dataDir: string): SettingsDto {
  return {
    network: 'local',
    customNetwork: null,
    dataDir,
    launchAtLogin: false,
    keepAwake: true,
    autoUpdate: true,
    maxConcurrentJobs: null,
    gpuMemoryHeadroomMb: 1024,
    modelDiskBudgetGb: null,
    theme: 'system',
    pauseWhen: {
      otherGpuWork: true,
      fullscreen: true,
      userActive: { enabled: false, idleMinutes: 5 },
      schedule: { enabled: false, windows: [] },
      thermal: { enabled: true, maxTempC: 83 },
      power: { enabled: false, capW: null },
    },
  };
}

const SOURCES = ['agent', 'runtime', 'jobs', 'config', 'network'] as const;
const LEVELS: LogLevelName[] = ['debug', 'info', 'info', 'info', 'info', 'warn', 'info', 'error'];

export function logLine(seq: number, ts: number): LogLineDto {
  const level = LEVELS[seq % LEVELS.length]!;
  const source = SOURCES[seq % SOURCES.length]!;
  const messages: Record<LogLevelName, string> = {
    debug: `heartbeat ${seq} sent; round trip 38 ms`,
    info: `job j-${seq.toString(16)} completed: 412 tokens in 2.3 s`,
    warn: `runtime queue is long (${seq % 9} waiting); new jobs may wait`,
    error: `job j-${seq.toString(16)} failed: the runtime closed the stream early`,
  };
  return { seq, ts, level, source, message: messages[level] };
}
