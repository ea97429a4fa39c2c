// Every GPU used, GPU first: the production factory (createDockerVllmRuntime) on the real engine,
// on machines described by recorded nvidia-smi outputs. This engine has no NVIDIA runtime, so a
// container with a GPU device request is created but cannot start: the test reads each created
// container back from the engine (inspect, between create and start) — its command line and
// its device request are what a GPU host's engine would run.
import type Docker from 'dockerode';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src-main/core/clock.js';
import { runtimePlanFor } from '../../src-main/core/config/runtime-plan.js';
import { silentLogger } from '../../src-main/core/logger.js';
import { createDockerClients } from '../../src-main/core/runtime/docker/docker-clients.js';
import { createDockerVllmRuntime } from '../../src-main/core/runtime/docker/create-docker-runtime.js';
import {
  nodeDiscoveryHost,
  type DiscoveryHost,
} from '../../src-main/core/runtime/docker/discovery-host.js';
import { OWNER_LABEL } from '../../src-main/core/runtime/docker/labels.js';
import type { GpuProbe } from '../../src-main/core/runtime/gpu/gpu-probe.js';
import type { RuntimePlan } from '../../src-main/core/runtime/runtime.js';
import { defaultSnapshot } from '../../src-main/devnet/io/default-snapshot.js';
import { buildTestSimImage } from '../helpers/docker.js';
import { dockerAvailability, dockerSocketPath } from '../helpers/env.js';
import { recordedGpus } from '../helpers/recorded-gpus.js';
import { pushToRegistry, startLocalRegistry, type LocalRegistry } from './local-registry.js';

const docker = await dockerAvailability();
const buildTag = `resultity-test/sim-vllm-fleet:${process.pid}`;

/**
 * This machine as a GPU host has it: the NVIDIA Container Toolkit's programs on the PATH (the
 * only thing faked; the engine is real and still has no NVIDIA runtime).
 */
function pretendToolkitInstalled(real: DiscoveryHost): DiscoveryHost {
  return {
    ...real,
    exists: async (p) => p === '/usr/bin/nvidia-ctk' || real.exists(p),
  };
}

const probeOf = (recording: string): (() => Promise<GpuProbe>) => {
  const gpus = recordedGpus(recording);
  return async () => ({
    available: true,
    nvidiaSmi: '/usr/bin/nvidia-smi',
    gpus,
    driverVersion: gpus[0]?.driverVersion ?? null,
    driverMajor: 570,
    legacyFields: false,
  });
};

describe.skipIf(!docker.available)('one runtime container per GPU on the real engine', () => {
  const clients = createDockerClients({ kind: 'socket', path: dockerSocketPath(), source: 'test' });
  const engine: Docker = clients.api;
  let registry: LocalRegistry;
  let repository: string;
  let digest: string;
  let work: string;
  let n = 0;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'rn-gpu-fleet-'));
    await buildTestSimImage(engine, buildTag);
    registry = await startLocalRegistry();
    repository = `${registry.address}/resultity-test/sim-vllm-fleet`;
    digest = await pushToRegistry(engine, buildTag, repository, 'v1');
    await engine.getImage(`${repository}:v1`).remove();
    await engine.getImage(buildTag).remove({ force: true });
  }, 240_000);

  afterAll(async () => {
    await engine
      .getImage(`${repository}@${digest}`)
      .remove({ force: true })
      .catch(() => undefined);
    await registry?.close();
    await rm(work, { recursive: true, force: true });
  }, 60_000);

  const imageHere = () =>
    engine
      .getImage(`${repository}@${digest}`)
      .inspect()
      .then(
        () => true,
        () => false,
      );

  /** The plan the agent derives from a snapshot naming the test image, with the operator's limits. */
  function planFor(
    minVramMb: number,
    operator: { maxConcurrentJobs: number | null; gpuMemoryHeadroomMb: number },
  ): RuntimePlan {
    const base = defaultSnapshot('local');
    const snapshot = defaultSnapshot('local', {
      runtime: {
        ...base.runtime,
        images: [{ id: 'sim', repository, tag: 'v1', digest }],
        max_num_seqs: 16,
        gpu_memory_headroom_mb: 1024,
      },
      models: base.models.map((m) => ({ ...m, min_vram_mb: minVramMb })),
    });
    return runtimePlanFor(snapshot, { driverMajor: 570, operator });
  }

  /** Applies `plan` on a machine with `recording`'s GPUs; returns the containers as created. */
  async function createdFor(
    recording: string,
    plan: RuntimePlan,
    host = pretendToolkitInstalled(nodeDiscoveryHost()),
  ) {
    const created: Docker.ContainerInspectInfo[] = [];
    // Reads each container back from the engine right after it was created (before its start).
    const readBack = new Proxy(engine, {
      get(target, prop, receiver) {
        if (prop !== 'createContainer') return Reflect.get(target, prop, receiver);
        return async (opts: Docker.ContainerCreateOptions) => {
          const c = await target.createContainer(opts);
          created.push(await c.inspect());
          return c;
        };
      },
    });
    const network = `fleet${++n}`;
    const { runtime } = await createDockerVllmRuntime({
      networkBase: path.join(work, network),
      network,
      clock: systemClock,
      logger: silentLogger,
      gpu: 'nvidia',
      gpuReadings: () => recordedGpus(recording),
      probeGpu: probeOf(recording),
      extraImages: [repository],
      host,
      extra: { clients: { ...clients, api: readBack } },
    });
    const outcome = await runtime.apply(plan).then(
      () => null,
      (err: Error) => err.message,
    );
    const status = runtime.status();
    await runtime.stop();
    const left = await engine.listContainers({
      all: true,
      filters: { label: [`${OWNER_LABEL}=1`, `network.resultity.network=${network}`] },
    });
    return { created, outcome, status, left };
  }

  const arg = (cmd: string[], flag: string) => cmd[cmd.indexOf(flag) + 1];

  it.each([
    ['driver-580-rtx4090.csv', 1],
    ['driver-550-two-gpus.csv', 2],
    ['driver-570-four-l40s.csv', 4],
  ])(
    '%s: one container per GPU, each with exactly its GPU by UUID, its own port and share; the settings on its command line',
    async (recording, count) => {
      await engine
        .getImage(`${repository}@${digest}`)
        .remove({ force: true })
        .catch(() => undefined);
      const gpus = recordedGpus(recording);
      const plan = planFor(8_000, { maxConcurrentJobs: 10, gpuMemoryHeadroomMb: 2048 });
      const { created, outcome, left } = await createdFor(recording, plan);
      expect(created).toHaveLength(count);
      // Started side by side: match each container to its GPU by the UUID it asked for.
      const gpuOf = (c: Docker.ContainerInspectInfo) => {
        const [request, ...more] = c.HostConfig.DeviceRequests ?? [];
        expect(more).toEqual([]);
        expect(request).toMatchObject({ Driver: 'nvidia', Capabilities: [['gpu']] });
        expect(request?.DeviceIDs).toHaveLength(1);
        return gpus.find((g) => g.uuid === request?.DeviceIDs?.[0])!;
      };
      expect(created.map((c) => gpuOf(c)?.uuid).sort()).toEqual(gpus.map((g) => g.uuid).sort());
      const ports = created.map((c) => c.HostConfig.PortBindings?.['8000/tcp']?.[0]);
      expect(ports.every((p) => p?.HostIp === '127.0.0.1')).toBe(true);
      expect(new Set(ports.map((p) => p?.HostPort)).size).toBe(count);
      // "Most jobs at once" 10 split over the containers, none above the network's 16.
      const shares = created.map((c) => Number(arg(c.Config.Cmd, '--max-num-seqs')));
      expect(shares.reduce((a, b) => a + b, 0)).toBe(10);
      // "VRAM kept free" 2048 MiB (above the network's 1024): (free − 2048) / total per GPU.
      created.forEach((c) => {
        // Created side by side, in any order: each container's own GPU, by its device request.
        const g = gpuOf(c);
        const want = Math.min(
          0.95,
          Math.floor(((g.memoryFreeMb! - 2048) / g.memoryTotalMb!) * 100 + 1e-9) / 100,
        );
        expect(arg(c.Config.Cmd, '--gpu-memory-utilization')).toBe(want.toFixed(2));
        expect(c.Config.Cmd).not.toContain('--tensor-parallel-size');
      });
      // This engine has no NVIDIA runtime: the start fails, is said plainly and leaves nothing.
      expect(outcome).toMatch(/NVIDIA/);
      expect(left).toEqual([]);
    },
    120_000,
  );

  it('a model no single L40S holds: one tensor-parallel container over two of them', async () => {
    await engine
      .getImage(`${repository}@${digest}`)
      .remove({ force: true })
      .catch(() => undefined);
    const gpus = recordedGpus('driver-570-four-l40s.csv');
    const plan = planFor(70_000, { maxConcurrentJobs: null, gpuMemoryHeadroomMb: 1024 });
    const { created } = await createdFor('driver-570-four-l40s.csv', plan);
    expect(created).toHaveLength(1);
    const [c] = created;
    expect(c!.HostConfig.DeviceRequests).toHaveLength(1);
    expect(c!.HostConfig.DeviceRequests?.[0]?.DeviceIDs).toHaveLength(2);
    for (const id of c!.HostConfig.DeviceRequests?.[0]?.DeviceIDs ?? [])
      expect(gpus.map((g) => g.uuid)).toContain(id);
    expect(arg(c!.Config.Cmd, '--tensor-parallel-size')).toBe('2');
    expect(arg(c!.Config.Cmd, '--max-num-seqs')).toBe('16');
  }, 120_000);

  it('GPU first: without an NVIDIA driver, or without the toolkit, nothing is downloaded and it says why first', async () => {
    await engine
      .getImage(`${repository}@${digest}`)
      .remove({ force: true })
      .catch(() => undefined);
    const plan = planFor(8_000, { maxConcurrentJobs: null, gpuMemoryHeadroomMb: 1024 });
    const noDriver = await createDockerVllmRuntime({
      networkBase: path.join(work, 'nodriver'),
      network: 'nodriver',
      clock: systemClock,
      logger: silentLogger,
      gpu: 'nvidia',
      probeGpu: async () => ({
        available: false,
        code: 'no_nvidia_smi',
        reason: 'nvidia-smi was not found.',
        fix: 'Install the NVIDIA driver.',
      }),
      extraImages: [repository],
    });
    await expect(noDriver.runtime.apply(plan)).rejects.toThrow(
      /^This computer has no NVIDIA GPU or driver/,
    );
    expect(noDriver.runtime.status()).toMatchObject({
      state: 'failed',
      cause: 'nvidia-smi was not found.',
    });
    expect(await imageHere()).toBe(false);

    // A driver and a GPU, but Docker cannot hand it to containers (this engine, as it is).
    const { outcome, created, status } = await createdFor(
      'driver-580-rtx4090.csv',
      plan,
      nodeDiscoveryHost(),
    );
    expect(outcome).toMatch(/^Docker cannot give containers the NVIDIA GPU.*not downloaded/);
    expect(status.detail).toMatch(/NVIDIA Container Toolkit/);
    expect(created).toEqual([]);
    expect(await imageHere()).toBe(false);
  }, 120_000);
});
