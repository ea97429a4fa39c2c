import type Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DiscoveryHost } from '../../../src-main/core/runtime/docker/discovery-host.js';
import type { DockerClients } from '../../../src-main/core/runtime/docker/docker-clients.js';
import type { EngineProbe } from '../../../src-main/core/runtime/docker/engine-ping.js';
import type { GpuProbe } from '../../../src-main/core/runtime/gpu/gpu-probe.js';
import { MAC_REASON } from '../../../src-main/core/runtime/gpu/gpu-probe.js';
import {
  GPU_QUERY_FIELDS,
  driverMajor,
  parseGpuCsv,
} from '../../../src-main/core/runtime/gpu/nvidia-smi-query.js';
import { runSetupChecks, type DoctorOptions } from '../../../src-main/core/setup/doctor.js';
import type { SetupCheck } from '../../../src-main/core/setup/setup-check.js';
import { logFrame } from '../docker/fake-engine.js';

const fixture = (dir: string, name: string) =>
  readFileSync(path.resolve('tests/fixtures', dir, name), 'utf8');
const DIGEST = `sha256:${'e'.repeat(64)}`;
const IMAGE = { repository: 'vllm/vllm-openai', digest: DIGEST };
const GB = 1024 ** 3;

function gpuProbe(csv: string): GpuProbe {
  const gpus = parseGpuCsv(fixture('nvidia-smi', csv), GPU_QUERY_FIELDS);
  const driverVersion = gpus[0]?.driverVersion ?? null;
  return {
    available: true,
    nvidiaSmi: '/usr/bin/nvidia-smi',
    gpus,
    driverVersion,
    driverMajor: driverMajor(driverVersion),
    legacyFields: false,
  };
}

const engineUp = (versionDoc: string): EngineProbe => ({
  ping: async (e) =>
    e.kind === 'socket' && e.path === '/var/run/docker.sock'
      ? { ok: true }
      : { ok: false, code: 'ENOENT', message: 'missing' },
  version: async () => JSON.parse(fixture('docker-errors', versionDoc)),
});
const engineDown: EngineProbe = {
  ping: async () => ({ ok: false, code: 'ENOENT', message: 'missing' }),
  version: async () => null,
};

/** A Docker API with an image present and a GPU test container that prints `gpuOutput` or fails to start. */
function fakeApi(o: {
  runtimes?: string[];
  imagePresent?: boolean;
  startError?: string;
  gpuOutput?: string;
}) {
  const created: Docker.ContainerCreateOptions[] = [];
  const api = {
    info: async () => ({
      DockerRootDir: '/var/lib/docker',
      Runtimes: Object.fromEntries((o.runtimes ?? ['runc']).map((r) => [r, {}])),
    }),
    getImage: () => ({
      inspect: async () => {
        if (!o.imagePresent) throw Object.assign(new Error('no such image'), { statusCode: 404 });
        return { RepoDigests: [`vllm/vllm-openai@${DIGEST}`] };
      },
    }),
    createContainer: async (opts: Docker.ContainerCreateOptions) => {
      created.push(opts);
      return {
        start: async () => {
          if (o.startError) throw new Error(o.startError);
        },
        wait: async () => ({ StatusCode: 0 }),
        logs: async () => logFrame(o.gpuOutput ?? '', 1),
        remove: async () => undefined,
      };
    },
  };
  return { clientsFor: () => ({ api, stream: api }) as unknown as DockerClients, created };
}

function linuxHost(files: string[] = []): DiscoveryHost {
  return {
    platform: 'linux',
    env: { PATH: '/usr/bin' },
    homedir: '/home/ada',
    uid: 1000,
    readFile: async () => null,
    exists: async (p) => files.includes(p),
  };
}

const base = (over: Partial<DoctorOptions>): DoctorOptions => ({
  host: linuxHost(),
  probeGpu: async () => gpuProbe('driver-580-rtx4090.csv'),
  runtimeImages: [IMAGE],
  dataDir: '/srv/resultity',
  modelBytes: 2 * GB,
  modelMinVramMb: 6000,
  headroomMb: 1024,
  freeSpace: async () => 500 * GB,
  ...over,
});

const byId = (checks: SetupCheck[]) => Object.fromEntries(checks.map((c) => [c.id, c]));

describe('setup doctor', () => {
  it('passes every check on a ready Linux rig, proving the GPU inside a container', async () => {
    const api = fakeApi({
      runtimes: ['runc', 'nvidia'],
      imagePresent: true,
      gpuOutput: fixture('nvidia-smi', 'list-580-rtx4090.txt'),
    });
    const checks = await runSetupChecks(
      base({
        engineProbe: engineUp('version-debian-docker-20.10.json'),
        clientsFor: api.clientsFor,
      }),
    );
    expect(checks.map((c) => c.id)).toEqual([
      'docker',
      'nvidia_driver',
      'container_toolkit',
      'gpu_in_container',
      'vram',
      'disk',
    ]);
    expect(checks.map((c) => c.state)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    const c = byId(checks);
    expect(c.gpu_in_container!.detail).toContain('GPU 0: NVIDIA GeForce RTX 4090');
    expect(c.nvidia_driver!.detail).toContain(
      'NVIDIA driver 580.82.07 with NVIDIA GeForce RTX 4090 (24.0 GB)',
    );
    expect(api.created[0]).toMatchObject({
      Entrypoint: ['nvidia-smi'],
      Cmd: ['-L'],
      HostConfig: { DeviceRequests: [{ Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] }] },
    });
    expect(api.created[0]!.Image).toBe(`vllm/vllm-openai@${DIGEST}`);
  });

  it('says to install the Container Toolkit when Docker cannot select the nvidia driver', async () => {
    const api = fakeApi({
      imagePresent: true,
      startError: fixture('docker-errors', 'start-no-nvidia-driver.txt'),
    });
    const c = byId(
      await runSetupChecks(
        base({
          engineProbe: engineUp('version-debian-docker-20.10.json'),
          clientsFor: api.clientsFor,
        }),
      ),
    );
    expect(c.container_toolkit).toMatchObject({ state: 'fail' });
    expect(c.gpu_in_container).toMatchObject({ state: 'fail' });
    expect(c.gpu_in_container!.fix).toMatch(/Install the NVIDIA Container Toolkit/);
  });

  it('waits for the runtime image before the container test, and finds the toolkit on disk', async () => {
    const api = fakeApi({ imagePresent: false });
    const host = linuxHost(['/usr/bin/nvidia-ctk']);
    const c = byId(
      await runSetupChecks(
        base({
          host,
          engineProbe: engineUp('version-debian-docker-20.10.json'),
          clientsFor: api.clientsFor,
        }),
      ),
    );
    expect(c.gpu_in_container).toMatchObject({ state: 'unknown' });
    expect(c.container_toolkit).toMatchObject({
      state: 'pass',
      detail: 'NVIDIA Container Toolkit found (nvidia-ctk).',
    });
    expect(api.created).toHaveLength(0);
  });

  it('on a Mac: Docker may work but the machine cannot serve inference', async () => {
    const host: DiscoveryHost = { ...linuxHost(), platform: 'darwin', homedir: '/Users/ada' };
    const probe: EngineProbe = {
      ping: async (e) =>
        e.kind === 'socket' && e.path === '/Users/ada/.docker/run/docker.sock'
          ? { ok: true }
          : { ok: false, code: 'ENOENT', message: '' },
      version: async () => JSON.parse(fixture('docker-errors', 'version-docker-desktop-4.44.json')),
    };
    const mac: GpuProbe = { available: false, code: 'unsupported_os', reason: MAC_REASON };
    const c = byId(
      await runSetupChecks(
        base({
          host,
          engineProbe: probe,
          probeGpu: async () => mac,
          clientsFor: fakeApi({}).clientsFor,
        }),
      ),
    );
    expect(c.docker).toMatchObject({ state: 'pass' });
    expect(c.nvidia_driver).toMatchObject({ state: 'fail', detail: MAC_REASON });
    expect([c.container_toolkit!.state, c.gpu_in_container!.state, c.vram!.state]).toEqual([
      'unknown',
      'unknown',
      'unknown',
    ]);
  });

  it('explains a missing Docker and skips what depends on it', async () => {
    const c = byId(await runSetupChecks(base({ engineProbe: engineDown })));
    expect(c.docker).toMatchObject({ state: 'fail' });
    expect(c.docker!.fix).toMatch(/Install Docker Engine/);
    expect(c.gpu_in_container).toMatchObject({ state: 'unknown', detail: 'Needs Docker first.' });
  });

  it('flags old drivers: 535 fails, 575 warns (-cu129 only)', async () => {
    const run = (csv: string) =>
      runSetupChecks(base({ engineProbe: engineDown, probeGpu: async () => gpuProbe(csv) }));
    expect(byId(await run('driver-535-rtx3090.csv')).nvidia_driver).toMatchObject({
      state: 'fail',
    });
    const c575 = byId(await run('driver-575-rtx5090.csv')).nvidia_driver!;
    expect(c575.state).toBe('warn');
    expect(c575.detail).toMatch(/-cu129/);
  });

  it('warns when other programs hold the VRAM and fails a GPU too small for the model', async () => {
    const busy = byId(
      await runSetupChecks(
        base({
          engineProbe: engineDown,
          probeGpu: async () => gpuProbe('driver-550-two-gpus.csv'),
          modelMinVramMb: 48_000,
        }),
      ),
    );
    expect(busy.vram!.state).toBe('warn'); // the idle A6000 has 47.5 GB free minus 1 GB headroom
    const small = byId(
      await runSetupChecks(
        base({
          engineProbe: engineDown,
          probeGpu: async () => gpuProbe('laptop-na-power.csv'),
          modelMinVramMb: 8_000,
        }),
      ),
    );
    expect(small.vram).toMatchObject({ state: 'fail' });
    expect(small.vram!.detail).toContain('has 6.0 GB of memory; the model needs 7.8 GB');
  });

  it('fails the disk check when the models do not fit', async () => {
    const c = byId(
      await runSetupChecks(base({ engineProbe: engineDown, freeSpace: async () => 1 * GB })),
    );
    expect(c.disk).toMatchObject({ state: 'fail' });
    expect(c.disk!.detail).toBe(
      '1.0 GB free on /srv/resultity for the models (about 2.0 GB needed).',
    );
  });
});
