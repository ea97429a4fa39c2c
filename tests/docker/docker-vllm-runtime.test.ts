import type Docker from 'dockerode';
import { Wallet } from 'ethers';
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src-main/core/clock.js';
import { createLogger, type LogEntry } from '../../src-main/core/logger.js';
import { createDockerClients } from '../../src-main/core/runtime/docker/docker-clients.js';
import {
  DockerVllmRuntime,
  type DockerVllmRuntimeOptions,
} from '../../src-main/core/runtime/docker/docker-vllm-runtime.js';
import { discoverEngine } from '../../src-main/core/runtime/docker/engine-discovery.js';
import { nodeDiscoveryHost } from '../../src-main/core/runtime/docker/discovery-host.js';
import { checkGpuInContainer } from '../../src-main/core/runtime/docker/gpu-container-check.js';
import { ImageAllowList } from '../../src-main/core/runtime/docker/image-allow-list.js';
import { ImagePuller } from '../../src-main/core/runtime/docker/image-puller.js';
import {
  OWNER_LABEL,
  INSTANCE_LABEL,
  NETWORK_LABEL,
  ROLE_LABEL,
} from '../../src-main/core/runtime/docker/labels.js';
import { pickFreePort, type PortPicker } from '../../src-main/core/runtime/docker/port-picker.js';
import type { TransferProgress } from '../../src-main/core/runtime/docker/transfer-progress.js';
import type { RuntimePlan } from '../../src-main/core/runtime/runtime.js';
import { operatorImages } from '../../src-main/service/nvidia-docker-runtime.js';
import { dockerAvailability, dockerSocketPath } from '../helpers/env.js';
import { expectConfined } from './expect-confined.js';
import { FAST_SUPERVISOR_TIMING, waitForStatus } from './runtime-status.js';
import { publishSimImage, type RegistrySimImage } from './sim-image-registry.js';

// The runtime's own lifecycle on the engine; the node around it (the production factory's
// allow-list, the devnet) is in docker-runtime-node.test.ts.
const docker = await dockerAvailability();
/** A file in the host's /dev/shm: a container sharing the host's IPC namespace would see it. */
const shmMarker = `rn-host-shm-marker-${process.pid}`;

describe.skipIf(!docker.available)(
  'DockerVllmRuntime on the real engine (sim image via a local registry)',
  () => {
    const clients = createDockerClients({
      kind: 'socket',
      path: dockerSocketPath(),
      source: 'test',
    });
    const engine: Docker = clients.api;
    const logs: LogEntry[] = [];
    const logger = createLogger([(e) => logs.push(e)], { minLevel: 'debug' });
    const runtimes: DockerVllmRuntime[] = [];
    const extraContainers: string[] = [];
    let image: RegistrySimImage;
    let repository: string;
    let digest: string;
    let work: string;
    let plan: RuntimePlan;
    const timings: Record<string, number> = {};

    const time = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        timings[name] = Math.round(performance.now() - t0);
      }
    };

    function runtime(network: string, over: Partial<DockerVllmRuntimeOptions> = {}) {
      const puller = new ImagePuller({
        clients,
        clock: systemClock,
        logger,
        engineIsLocal: true,
        requiredBytes: 1024 ** 2,
      });
      const rt = new DockerVllmRuntime({
        clients,
        puller,
        // The test registry is allowed the way an operator allows an image: the environment.
        allowList: new ImageAllowList(
          operatorImages({ env: { RESULTITY_EXTRA_RUNTIME_IMAGES: repository } }),
        ),
        clock: systemClock,
        logger,
        network,
        cacheDirs: {
          hf: path.join(work, network, 'hf-cache'),
          compile: path.join(work, network, 'vllm-cache'),
        },
        gpuMemory: null,
        simulated: true,
        supervisor: { timing: FAST_SUPERVISOR_TIMING },
        ...over,
      });
      runtimes.push(rt);
      return rt;
    }

    beforeAll(async () => {
      work = await mkdtemp(path.join(os.tmpdir(), 'rn-docker-rt-'));
      await writeFile(path.join('/dev/shm', shmMarker), 'host only');
      image = await publishSimImage(engine, 'sim-vllm-rt', time);
      ({ repository, digest } = image);
      // Forget the local copy so the runtime must really download every layer.
      await image.forgetLocalCopies();
      plan = {
        model: { name: 'org/sim-7b', servedName: 'sim-7b', revision: 'main', maxModelLen: 4096 },
        image: { repository, tag: 'v1', digest },
        maxNumSeqs: 16,
        gpuMemoryHeadroomMb: 1024,
      };
    }, 240_000);

    afterAll(async () => {
      for (const rt of runtimes) await rt.stop().catch(() => undefined);
      for (const id of extraContainers)
        await engine
          .getContainer(id)
          .remove({ force: true })
          .catch(() => undefined);
      await image?.close();
      await rm(work, { recursive: true, force: true });
      await unlink(path.join('/dev/shm', shmMarker)).catch(() => undefined);
      console.log(`[docker-vllm-runtime] timings (ms): ${JSON.stringify(timings)}`);
    }, 120_000);

    it('finds this engine the way an operator has it', async () => {
      const d = await discoverEngine({ host: nodeDiscoveryHost() });
      expect(d).toMatchObject({ ok: true, identity: { product: 'docker' } });
    });

    it('pulls by digest with progress, starts, passes health and serves inference; no key material reaches the container', async () => {
      // Key material the agent holds: it must not appear anywhere in the container.
      const wallet = Wallet.createRandom();
      const keysDir = path.join(work, 'local', 'keys');
      await mkdir(keysDir, { recursive: true });
      await writeFile(
        path.join(keysDir, 'node-key.json'),
        JSON.stringify({ privateKey: wallet.privateKey }),
      );
      const savedPassphrase = process.env.RESULTITY_KEY_PASSPHRASE;
      process.env.RESULTITY_KEY_PASSPHRASE = 'passphrase-that-must-stay-home';
      try {
        await expect(engine.getImage(`${repository}@${digest}`).inspect()).rejects.toMatchObject({
          statusCode: 404,
        });
        const progress: TransferProgress[] = [];
        const rt = runtime('local', {
          onProgress: (p) => progress.push(p),
          modelInstalled: async () => true,
        });
        await time('apply: pull + start + healthy', () => rt.apply(plan));
        expect(rt.status()).toMatchObject({
          state: 'ready',
          servedModels: ['sim-7b'],
          simulated: true,
        });

        const running = progress.filter((p) => p.state === 'running');
        expect(running.some((p) => p.bytesDone > 0 && (p.bytesTotal ?? 0) > 0)).toBe(true);
        const last = progress.at(-1)!;
        expect(last).toMatchObject({ state: 'done', kind: 'image_pull' });
        expect(last.bytesTotal).toBeGreaterThan(10 * 1024 ** 2);
        const pulled = await engine.getImage(`${repository}@${digest}`).inspect();
        expect(pulled.RepoDigests).toContain(`${repository}@${digest}`);

        const info = await engine.getContainer(rt.container()!.id).inspect();
        expect(info.HostConfig.PortBindings['8000/tcp'][0].HostIp).toBe('127.0.0.1');
        expect(info.HostConfig.DeviceRequests ?? null).toBeNull();
        expect(info.Config.Labels).toMatchObject({
          [OWNER_LABEL]: '1',
          [NETWORK_LABEL]: 'local',
          [ROLE_LABEL]: 'vllm',
        });
        expect(info.Config.Cmd).toEqual(expect.arrayContaining(['--served-model-name', 'sim-7b']));
        // The API key travels in the environment: a command line is readable by any local user.
        const keyVar = info.Config.Env.find((e) => e.startsWith('VLLM_API_KEY='));
        const apiKey = keyVar!.slice('VLLM_API_KEY='.length);
        expect(apiKey.length).toBeGreaterThanOrEqual(40);
        expect(info.Config.Cmd).not.toContain('--api-key');
        expect(JSON.stringify([info.Config.Cmd, info.Config.Entrypoint, info.Args])).not.toContain(
          apiKey,
        );
        // …and the sim runtime took it from there: a request without it is refused.
        const unauth = await fetch(`${rt.container()!.baseUrl}/v1/models`);
        expect(unauth.status).toBe(401);
        const authed = await fetch(`${rt.container()!.baseUrl}/v1/models`, {
          headers: { authorization: `Bearer ${apiKey}` },
        });
        expect(authed.status).toBe(200);
        // Only the two cache folders, the weights read-only (the node installed and verified them).
        const mounts = info.Mounts.map((m) => `${m.Source}:${m.Destination}:${m.RW ? 'rw' : 'ro'}`);
        expect(mounts.sort()).toEqual(
          [
            `${path.join(work, 'local', 'hf-cache')}:/cache/huggingface:ro`,
            `${path.join(work, 'local', 'vllm-cache')}:/cache/vllm:rw`,
          ].sort(),
        );
        await expectConfined(info, shmMarker);
        const exposed = JSON.stringify([
          info.Config.Env,
          info.Config.Cmd,
          info.Mounts,
          info.HostConfig.Binds,
        ]);
        for (const secret of [
          wallet.privateKey,
          wallet.privateKey.slice(2),
          'passphrase-that-must-stay-home',
          keysDir,
        ]) {
          expect(exposed).not.toContain(secret);
        }
        // The API key is never logged, though vLLM-like runtimes print their arguments.
        expect(JSON.stringify(logs)).not.toContain(apiKey);
        expect(logs.some((l) => l.source.endsWith('vllm'))).toBe(true);

        const controller = new AbortController();
        const result = await rt.infer({
          jobId: 'j1',
          model: 'sim-7b',
          kind: 'chat',
          messages: [{ role: 'user', content: 'Say hello to the Docker runtime.' }],
          maxTokens: 8,
          signal: controller.signal,
        });
        expect(result.text.length).toBeGreaterThan(0);
        expect(result.usage.completion_tokens).toBeGreaterThan(0);
        expect((await rt.metrics()).generationTokensTotal).toBeGreaterThan(0);
        // Applying the same plan again is a no-op.
        const id = rt.container()!.id;
        await rt.apply(plan);
        expect(rt.container()!.id).toBe(id);
      } finally {
        if (savedPassphrase === undefined) delete process.env.RESULTITY_KEY_PASSPHRASE;
        else process.env.RESULTITY_KEY_PASSPHRASE = savedPassphrase;
      }
    }, 120_000);

    it('survives docker kill: sees the crash, restarts the container and is healthy again', async () => {
      const rt = runtimes[0]!;
      const id = rt.container()!.id;
      // The engine's die event, or the health loop asking the engine, reports the exit.
      const down = waitForStatus(rt, (s) => /exited \(code 137\)/.test(s.detail));
      const t0 = performance.now();
      await engine.getContainer(id).kill();
      expect((await down).state).toBe('unhealthy');
      await waitForStatus(rt, (s) => s.state === 'ready');
      timings['kill → ready again'] = Math.round(performance.now() - t0);
      expect((await engine.getContainer(rt.container()!.id).inspect()).State.Running).toBe(true);
      const again = await rt.infer({
        jobId: 'j2',
        model: 'sim-7b',
        kind: 'completion',
        prompt: 'After the crash',
        maxTokens: 4,
        signal: new AbortController().signal,
      });
      expect(again.text.length).toBeGreaterThan(0);
    }, 60_000);

    it('removes our stale containers at start (only ours, not another node’s) and picks another port when one is taken', async () => {
      const ref = `${repository}@${digest}`;
      const mk = async (labels: Record<string, string>) => {
        const c = await engine.createContainer({
          Image: ref,
          Labels: labels,
          Cmd: ['--model', 'x'],
        });
        extraContainers.push(c.id);
        return c.id;
      };
      const stale = await mk({
        [OWNER_LABEL]: '1',
        [NETWORK_LABEL]: 'testnet',
        [ROLE_LABEL]: 'vllm',
      });
      const otherNetwork = await mk({
        [OWNER_LABEL]: '1',
        [NETWORK_LABEL]: 'mainnet',
        [ROLE_LABEL]: 'vllm',
      });
      const notOurs = await mk({ 'com.example.app': 'mine' });
      // Another node's (another data folder) on the same engine and network stays; our own goes.
      const otherNode = await mk({
        [OWNER_LABEL]: '1',
        [NETWORK_LABEL]: 'testnet',
        [ROLE_LABEL]: 'vllm',
        [INSTANCE_LABEL]: 'bbbbbbbbbbbb',
      });
      const ownEarlier = await mk({
        [OWNER_LABEL]: '1',
        [NETWORK_LABEL]: 'testnet',
        [ROLE_LABEL]: 'vllm',
        [INSTANCE_LABEL]: 'aaaaaaaaaaaa',
      });

      const blocker = net.createServer();
      await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
      const taken = (blocker.address() as net.AddressInfo).port;
      const offered: number[] = [];
      const pickPort: PortPicker = async (avoid) => {
        const port = offered.length === 0 ? taken : await pickFreePort(avoid);
        offered.push(port);
        return port;
      };
      try {
        const rt = runtime('testnet', {
          instance: 'aaaaaaaaaaaa',
          supervisor: { pickPort, timing: { loadingHealthMs: 200, stopTimeoutSec: 2 } },
        });
        await rt.apply(plan);
        expect(offered[0]).toBe(taken);
        const port = Number(new URL(rt.container()!.baseUrl).port);
        expect(port).not.toBe(taken);
        expect(offered).toContain(port);
      } finally {
        await new Promise((r) => blocker.close(r));
      }
      await expect(engine.getContainer(stale).inspect()).rejects.toMatchObject({ statusCode: 404 });
      await expect(engine.getContainer(ownEarlier).inspect()).rejects.toMatchObject({
        statusCode: 404,
      });
      await expect(engine.getContainer(otherNode).inspect()).resolves.toBeTruthy();
      await expect(engine.getContainer(otherNetwork).inspect()).resolves.toBeTruthy();
      await expect(engine.getContainer(notOurs).inspect()).resolves.toBeTruthy();
    }, 60_000);

    it('refuses an image whose pinned digest the registry does not have, and runs nothing', async () => {
      const rt = runtime('wrong-digest');
      const wrong = {
        ...plan,
        image: { repository, tag: 'v1', digest: `sha256:${'0'.repeat(64)}` },
      };
      await expect(rt.apply(wrong)).rejects.toThrow(/does not exist in its registry/);
      expect(rt.status().state).toBe('failed');
      const list = await engine.listContainers({
        all: true,
        filters: { label: [`${NETWORK_LABEL}=wrong-digest`] },
      });
      expect(list).toHaveLength(0);
    }, 60_000);

    it("maps the engine's answer to a GPU request into a fix (no NVIDIA runtime here)", async () => {
      const info = (await engine.info()) as { Runtimes?: Record<string, unknown> };
      const hasNvidia = Object.keys(info.Runtimes ?? {}).includes('nvidia');
      const check = await checkGpuInContainer(engine, {
        image: `${repository}@${digest}`,
        driverMajor: null,
      });
      if (hasNvidia) return; // a GPU machine: the check may pass; nothing more to assert here
      expect(check).toMatchObject({ ok: false, problem: { code: 'toolkit_missing' } });
      if (!check.ok) expect(check.problem.fix).toMatch(/NVIDIA Container Toolkit/);
    }, 60_000);

    it('stops gracefully and removes the container', async () => {
      const rt = runtimes[0]!;
      const id = rt.container()!.id;
      await rt.stop();
      expect(rt.status().state).toBe('stopped');
      await expect(engine.getContainer(id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    }, 60_000);
  },
);
