import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogEntry } from '../../../src-main/core/logger.js';
import {
  ContainerLogFollower,
  vllmLineLevel,
} from '../../../src-main/core/runtime/docker/container-logs.js';
import {
  buildCreateOptions,
  isPortTakenError,
  type VllmContainerSpec,
} from '../../../src-main/core/runtime/docker/container-spec.js';
import { engineMountsSubpaths } from '../../../src-main/core/runtime/docker/cache-mounts.js';
import { ALL_GPUS } from '../../../src-main/core/runtime/docker/gpu-container-check.js';
import { demuxToText, LogLineSplitter } from '../../../src-main/core/runtime/docker/log-stream.js';

const spec: VllmContainerSpec = {
  image: `vllm/vllm-openai@sha256:${'a'.repeat(64)}`,
  network: 'testnet',
  planHash: '0123456789abcdef',
  model: {
    name: 'Qwen/Qwen3-0.6B',
    servedName: 'qwen3-0.6b',
    revision: 'c1899de',
    maxModelLen: 8192,
  },
  maxNumSeqs: 64,
  gpuMemoryUtilization: 0.8634,
  deviceRequests: ALL_GPUS,
  hfCacheDir: '/data/testnet/runtime/hf-cache',
  compileCacheDir: '/data/testnet/runtime/vllm-cache',
  offline: true,
  user: { uid: 1000, gid: 1000 },
};
const instance = { name: 'resultity-vllm-testnet-1', hostPort: 41234, apiKey: 'k'.repeat(43) };

describe('container create options', () => {
  const o = buildCreateOptions(spec, instance);

  it('passes the plan to vLLM, with util rounded to 2 decimals and the key in the environment only', () => {
    expect(o.Env).toContain(`VLLM_API_KEY=${instance.apiKey}`);
    expect(JSON.stringify([o.Cmd, o.Entrypoint ?? null])).not.toContain(instance.apiKey);
    expect(o.Cmd).toEqual([
      '--model', '/cache/huggingface/hub/models--Qwen--Qwen3-0.6B/snapshots/c1899de',
      '--served-model-name', 'qwen3-0.6b',
      '--max-model-len', '8192',
      '--max-num-seqs', '64',
      '--gpu-memory-utilization', '0.86',
      '--host', '0.0.0.0',
      '--port', '8000',
    ]); // prettier-ignore
  });

  it('binds 127.0.0.1 only, requests the GPU and mounts only the caches (weights read-only once verified)', () => {
    const h = o.HostConfig!;
    expect(h.PortBindings).toEqual({ '8000/tcp': [{ HostIp: '127.0.0.1', HostPort: '41234' }] });
    expect(h.DeviceRequests).toEqual([{ Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] }]);
    expect(h.Binds).toEqual([
      '/data/testnet/runtime/hf-cache:/cache/huggingface:ro',
      '/data/testnet/runtime/vllm-cache:/cache/vllm:rw',
    ]);
    expect(o.Env).toEqual(expect.arrayContaining(['HF_HOME=/cache/huggingface', 'HOME=/tmp']));
    expect(h.RestartPolicy).toEqual({ Name: 'no' });
    expect(o.Env).toContain('HF_HUB_OFFLINE=1');
    expect(o.Labels).toMatchObject({
      'network.resultity.node': '1',
      'network.resultity.network': 'testnet',
      'network.resultity.plan': '0123456789abcdef',
      'network.resultity.role': 'vllm',
    });
  });

  it('confines the container: non-root, no capabilities, no-new-privileges, pids limit, read-only image, own IPC', () => {
    const h = o.HostConfig!;
    expect(o.User).toBe('1000:1000');
    expect(h).toMatchObject({
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      PidsLimit: 4096,
      ReadonlyRootfs: true,
      IpcMode: 'private',
      ShmSize: 8 * 1024 ** 3,
      Privileged: false,
    });
    expect(h.CapAdd ?? []).toEqual([]);
    expect(Object.keys(h.Tmpfs ?? {})).toEqual(['/tmp']);
  });

  it('omits the GPU request for the stand-in, and lets vLLM download into a writable cache when the node did not install the weights', () => {
    const h = buildCreateOptions({ ...spec, deviceRequests: null, offline: false }, instance);
    expect(h.HostConfig).not.toHaveProperty('DeviceRequests');
    expect(h.HostConfig?.Binds?.[0]).toBe('/data/testnet/runtime/hf-cache:/cache/huggingface:rw');
    expect(h.Env).not.toContain('HF_HUB_OFFLINE=1');
    expect(h.Cmd?.slice(0, 4)).toEqual(['--model', 'Qwen/Qwen3-0.6B', '--revision', 'c1899de']);
  });

  it('mounts the models volume instead of the folders when the node runs in a container: verified weights read-only, by sub-folder on Docker 26+', () => {
    const models = { name: 'resultity-models', subpaths: true };
    const h = buildCreateOptions({ ...spec, modelsVolume: models }, instance);
    expect(h.HostConfig?.Binds).toBeUndefined();
    expect(h.HostConfig?.Mounts).toEqual([
      {
        Type: 'volume',
        Source: 'resultity-models',
        Target: '/cache/huggingface',
        ReadOnly: true,
        VolumeOptions: { Subpath: 'huggingface' },
      },
      {
        Type: 'volume',
        Source: 'resultity-models',
        Target: '/cache/vllm',
        VolumeOptions: { Subpath: 'vllm' },
      },
    ]);
    expect(h.Env).toEqual(
      expect.arrayContaining(['HF_HOME=/cache/huggingface', 'VLLM_CACHE_ROOT=/cache/vllm']),
    );
    expect(o.HostConfig?.Mounts).toBeUndefined();
  });

  it('on an engine without sub-folder mounts: the whole models volume read-only, the compile cache in /tmp', () => {
    const models = { name: 'resultity-models', subpaths: false };
    const h = buildCreateOptions({ ...spec, modelsVolume: models }, instance);
    expect(h.HostConfig?.Mounts).toEqual([
      { Type: 'volume', Source: 'resultity-models', Target: '/cache', ReadOnly: true },
    ]);
    expect(h.Env).toEqual(
      expect.arrayContaining([
        'HF_HOME=/cache/huggingface',
        'VLLM_CACHE_ROOT=/tmp/vllm',
        'TRITON_CACHE_DIR=/tmp/vllm/triton',
        'TORCHINDUCTOR_CACHE_DIR=/tmp/vllm/torchinductor',
        'CUDA_CACHE_PATH=/tmp/vllm/nv',
      ]),
    );
    // Weights the node did not verify (no model store): vLLM downloads into the writable volume.
    const own = buildCreateOptions({ ...spec, modelsVolume: models, offline: false }, instance);
    expect(own.HostConfig?.Mounts).toEqual([
      { Type: 'volume', Source: 'resultity-models', Target: '/cache' },
    ]);
    expect(own.Env).toContain('VLLM_CACHE_ROOT=/cache/vllm');
  });

  it('sub-folder mounts only on Docker with API 1.45 or later', () => {
    const on = (product: 'docker' | 'podman', apiVersion: string | null) =>
      engineMountsSubpaths({ product, apiVersion });
    expect(on('docker', '1.45')).toBe(true);
    expect(on('docker', '1.47')).toBe(true);
    expect(on('docker', '1.44')).toBe(false);
    expect(on('docker', '1.41')).toBe(false);
    expect(on('docker', null)).toBe(false);
    expect(on('docker', 'garbage')).toBe(false);
    expect(on('podman', '1.45')).toBe(false);
  });

  it("labels the container with its data folder's mark when it has one", () => {
    expect(o.Labels).not.toHaveProperty('network.resultity.instance');
    const marked = buildCreateOptions({ ...spec, instance: 'aaaaaaaaaaaa' }, instance);
    expect(marked.Labels).toMatchObject({ 'network.resultity.instance': 'aaaaaaaaaaaa' });
  });

  it('recognises "port taken" on Linux, Docker Desktop and Windows', () => {
    for (const m of [
      'driver failed programming external connectivity on endpoint x: Bind for 127.0.0.1:8000 failed: port is already allocated',
      'Error starting userland proxy: listen tcp4 127.0.0.1:41234: bind: address already in use',
      'Ports are not available: exposing port TCP 127.0.0.1:41234 -> 0.0.0.0:0: listen tcp 127.0.0.1:41234: bind: Only one usage of each socket address (protocol/network address/port) is normally permitted.',
    ]) {
      expect(isPortTakenError(new Error(m))).toBe(true);
    }
    expect(isPortTakenError(new Error('No such image'))).toBe(false);
  });
});

/** Docker's multiplexed frame: stream id, three zeros, big-endian length, payload. */
const frame = (stream: 1 | 2, text: string) => {
  const payload = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(payload.length, 4);
  return Buffer.concat([head, payload]);
};

describe('container log streams', () => {
  it('demuxes frames split anywhere into lines per stream', () => {
    const lines: string[] = [];
    const s = new LogLineSplitter((l, stream) => lines.push(`${stream}:${l}`));
    const all = Buffer.concat([
      frame(1, 'INFO loading\nINFO wei'),
      frame(2, 'WARNING low\n'),
      frame(1, 'ghts done\n'),
    ]);
    for (let i = 0; i < all.length; i += 5) s.push(all.subarray(i, i + 5));
    expect(lines).toEqual([
      'stdout:INFO loading',
      'stderr:WARNING low',
      'stdout:INFO weights done',
    ]);
    expect(
      demuxToText(Buffer.concat([frame(1, 'GPU 0: NVIDIA GeForce RTX 4090 (UUID: GPU-0f3a)\n')])),
    ).toBe('GPU 0: NVIDIA GeForce RTX 4090 (UUID: GPU-0f3a)\n');
  });

  it('streams lines into the logger with vLLM levels and the API key masked', async () => {
    const entries: LogEntry[] = [];
    const logger = createLogger([(e) => entries.push(e)], { minLevel: 'debug' });
    const key = 'sk-very-secret-key-0123456789';
    const follower = new ContainerLogFollower(logger, () => [key]);
    const stream = new PassThrough();
    const container = { logs: async () => stream } as unknown as Docker.Container;
    await follower.follow(container, 0);
    stream.write(
      frame(
        2,
        `(APIServer pid=1) INFO 10-02 09:14:55 [utils.py:233] non-default args: {'api_key': ['${key}'], 'model': 'x'}\n`,
      ),
    );
    stream.write(frame(2, '(APIServer pid=1) WARNING 10-02 09:14:56 [x.py:1] slow\n'));
    stream.write(frame(2, 'ERROR 10-02 09:15:00 [core.py:708] EngineCore failed to start.\n'));
    await new Promise((r) => setImmediate(r));
    expect(entries.map((e) => e.level)).toEqual(['info', 'warn', 'error']);
    expect(JSON.stringify(entries)).not.toContain(key);
    expect(entries[0]?.message).toContain("'api_key': ['***']");
    expect(follower.recent()).toHaveLength(3);
    follower.stop();
    expect(vllmLineLevel('Traceback (most recent call last):')).toBe('error');
  });
});
