import type Docker from 'dockerode';
import { Wallet } from 'ethers';
import { existsSync } from 'node:fs';
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
import { ImagePuller } from '../../src-main/core/runtime/docker/image-puller.js';
import {
  OWNER_LABEL,
  NETWORK_LABEL,
  ROLE_LABEL,
} from '../../src-main/core/runtime/docker/labels.js';
import { pickFreePort, type PortPicker } from '../../src-main/core/runtime/docker/port-picker.js';
import type { TransferProgress } from '../../src-main/core/runtime/docker/transfer-progress.js';
import type { Runtime, RuntimePlan, RuntimeStatus } from '../../src-main/core/runtime/runtime.js';
import { buildSimRuntimeImage } from '../../src-main/devnet/sim-runtime/image.js';
import { composeNode } from '../../src-main/core/agent/compose-node.js';
import { localProfile } from '../../src-main/core/config/network-profiles.js';
import { NodeIdentity } from '../../src-main/core/identity/node-identity.js';
import { createDockerVllmRuntime } from '../../src-main/core/runtime/docker/create-docker-runtime.js';
import { ensureDataDirs, resolveDataDirs } from '../../src-main/core/store/data-dirs.js';
import { DEVNET_MODEL, defaultSnapshot } from '../../src-main/devnet/io/default-snapshot.js';
import { startDevnet } from '../../src-main/devnet/io/devnet.js';
import { ImageAllowList } from '../../src-main/core/runtime/docker/image-allow-list.js';
import { parseOptions } from '../../src-main/headless/options.js';
import { operatorImages } from '../../src-main/service/nvidia-docker-runtime.js';
import { createRuntime } from '../../src-main/service/runtime-choice.js';
import { dockerAvailability, dockerSocketPath } from '../helpers/env.js';
import { probeInside } from './container-probe.js';
import { pushToRegistry, startLocalRegistry, type LocalRegistry } from './local-registry.js';

const docker = await dockerAvailability();
const pid = process.pid;
const buildTag = `resultity-test/sim-vllm-rt:${pid}`;
/** A file in the host's /dev/shm: a container sharing the host's IPC namespace would see it. */
const shmMarker = `rn-host-shm-marker-${pid}`;

/** Confinement, from the engine's record and from inside the running container. */
async function expectConfined(info: Docker.ContainerInspectInfo, marker: string) {
  const h = info.HostConfig;
  expect(h).toMatchObject({
    CapDrop: ['ALL'],
    SecurityOpt: ['no-new-privileges:true'],
    PidsLimit: 4096,
    ReadonlyRootfs: true,
    IpcMode: 'private',
    ShmSize: 8 * 1024 ** 3,
    Privileged: false,
  });
  expect(h.CapAdd ?? null).toBeNull();
  expect(Object.keys(h.Tmpfs ?? {})).toEqual(['/tmp']);
  const [uid] = info.Config.User.split(':').map(Number);
  expect(uid).toBeGreaterThan(0);

  const docker = createDockerClients({ kind: 'socket', path: dockerSocketPath(), source: 'test' });
  const inside = await probeInside(docker.api.getContainer(info.Id), [
    '/app',
    '/tmp',
    '/cache/huggingface',
    '/cache/vllm',
  ]);
  for (const status of [inside.main, inside.probe]) {
    expect(status.CapEff).toBe('0000000000000000');
    expect(status.CapPrm).toBe('0000000000000000');
    expect(status.CapBnd).toBe('0000000000000000');
    expect(status.NoNewPrivs).toBe('1');
    expect(status.Uid).toBe(`${uid} ${uid} ${uid} ${uid}`);
  }
  // The host's /dev/shm is not shared: our marker file there is not visible inside.
  expect(existsSync(path.join('/dev/shm', marker))).toBe(true);
  expect(inside.shmEntries).not.toContain(marker);
  // A read-only image and read-only weights; /tmp and the compile cache take writes.
  expect(inside.writes).toEqual({
    '/app': 'EROFS',
    '/tmp': 'ok',
    '/cache/huggingface': 'EROFS',
    '/cache/vllm': 'ok',
  });
  if (inside.pidsMax !== null) expect(inside.pidsMax).toBe('4096');
  return inside;
}

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
    const factoryRuntimes: Runtime[] = [];
    const extraContainers: string[] = [];
    let registry: LocalRegistry;
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
        supervisor: {
          timing: {
            loadingHealthMs: 200,
            readyHealthMs: 500,
            restartBaseMs: 300,
            stopTimeoutSec: 2,
            loadingBudgetMs: 60_000,
          },
        },
        ...over,
      });
      runtimes.push(rt);
      return rt;
    }

    const waitFor = (rt: DockerVllmRuntime, pred: (s: RuntimeStatus) => boolean, ms = 30_000) =>
      new Promise<RuntimeStatus>((resolve, reject) => {
        if (pred(rt.status())) return resolve(rt.status());
        const timer = setTimeout(
          () => reject(new Error(`timed out; status: ${JSON.stringify(rt.status())}`)),
          ms,
        );
        const sub = rt.onStatus((s) => {
          if (!pred(s)) return;
          clearTimeout(timer);
          sub.dispose();
          resolve(s);
        });
      });

    beforeAll(async () => {
      work = await mkdtemp(path.join(os.tmpdir(), 'rn-docker-rt-'));
      await writeFile(path.join('/dev/shm', shmMarker), 'host only');
      await time('build sim image', () => buildSimRuntimeImage(engine, buildTag));
      registry = await startLocalRegistry();
      repository = `${registry.address}/resultity-test/sim-vllm`;
      digest = await time('push to registry', () =>
        pushToRegistry(engine, buildTag, repository, 'v1'),
      );
      // Forget the local copy so the runtime must really download every layer.
      await engine.getImage(`${repository}:v1`).remove();
      await engine.getImage(buildTag).remove({ force: true });
      plan = {
        model: { name: 'org/sim-7b', servedName: 'sim-7b', revision: 'main', maxModelLen: 4096 },
        image: { repository, tag: 'v1', digest },
        maxNumSeqs: 16,
        gpuMemoryHeadroomMb: 1024,
      };
    }, 240_000);

    afterAll(async () => {
      for (const rt of [...runtimes, ...factoryRuntimes]) await rt.stop().catch(() => undefined);
      for (const id of extraContainers)
        await engine
          .getContainer(id)
          .remove({ force: true })
          .catch(() => undefined);
      if (repository && digest)
        await engine
          .getImage(`${repository}@${digest}`)
          .remove({ force: true })
          .catch(() => undefined);
      await engine
        .getImage(buildTag)
        .remove({ force: true })
        .catch(() => undefined);
      await registry?.close();
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
      const down = waitFor(rt, (s) => /exited \(code 137\)/.test(s.detail));
      const t0 = performance.now();
      await engine.getContainer(id).kill();
      expect((await down).state).toBe('unhealthy');
      await waitFor(rt, (s) => s.state === 'ready');
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

    it('removes our stale containers at start (only ours) and picks another port when one is taken', async () => {
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

    it('the production factory (headless --runtime docker, as the desktop) refuses an image outside the allow-list and runs it once the operator allows it', async () => {
      const dirs = resolveDataDirs(path.join(work, 'prod-factory'), 'testnet');
      await ensureDataDirs(dirs);
      const progress: unknown[] = [];
      const make = async (argv: string[], env: Record<string, string> = {}) => {
        const cfg = await parseOptions(
          ['--profile', 'testnet', '--runtime', 'docker', ...argv],
          env,
        );
        // The node kit's runtime factory, with the choice the headless flags make.
        const choice = {
          kind: 'docker',
          ...(cfg!.allowRuntimeImages ? { extraImages: cfg!.allowRuntimeImages } : {}),
        } as const;
        const rt = await createRuntime(choice, {
          dirs,
          clock: systemClock,
          logger,
          gpu: { latest: () => [] },
          onProgress: (p) => progress.push(p),
          env,
          // Nothing approved: each plan here is refused before its model would be looked up.
          models: { networkUrl: 'http://127.0.0.1:9', approved: () => [], diskBudgetGb: null },
        });
        factoryRuntimes.push(rt);
        return rt;
      };
      const containers = () =>
        engine.listContainers({ all: true, filters: { label: [`${NETWORK_LABEL}=testnet`] } });
      const before = (await containers()).length;

      const plain = await make([]);
      const refused = plain.apply(plan);
      await expect(refused).rejects.toThrow(
        new RegExp(
          `runtime image ${repository}, which this node does not run.*Nothing was downloaded`,
        ),
      );
      expect(plain.status()).toMatchObject({ state: 'failed' });
      expect(plain.status().detail).toMatch(/--allow-runtime-image/);
      expect(progress).toHaveLength(0);
      expect(await containers()).toHaveLength(before);
      expect(logs.some((l) => l.level === 'error' && l.message.includes('does not run'))).toBe(
        true,
      );
      // The network's configuration cannot widen the list: vLLM's own repository is still the only one.
      await expect(
        plain.apply({ ...plan, image: { ...plan.image!, repository: 'ghcr.io/attacker/vllm' } }),
      ).rejects.toThrow(/allowed: vllm\/vllm-openai\)/);

      // Allowed by the operator (flag or environment): it passes the list and stops only at the
      // GPU, which this machine does not have — before downloading anything.
      for (const allowed of [
        await make(['--allow-runtime-image', repository]),
        await make([], {
          RESULTITY_EXTRA_RUNTIME_IMAGES: `docker.io/vllm/vllm-openai, ${repository}`,
        }),
      ]) {
        await expect(allowed.apply(plan)).rejects.toThrow(/^This computer has no NVIDIA GPU/);
        expect(allowed.status().detail).not.toMatch(/does not run/);
        expect(progress).toHaveLength(0);
      }
    }, 60_000);

    it("a node whose operator did not allow the network's image refuses it, pulls nothing and reports apply_failed to the network", async () => {
      const base = defaultSnapshot('local');
      const devnet = await startDevnet({
        stateDir: path.join(work, 'devnet-refuse'),
        wsPingIntervalMs: 2000,
        initialSnapshot: {
          ...base,
          runtime: {
            engine: 'vllm',
            images: [{ id: 'sim', repository, tag: 'v1', digest }],
            max_num_seqs: 16,
            gpu_memory_headroom_mb: 1024,
          },
          ttl: { ...base.ttl, heartbeat_interval_ms: 300 },
        },
      });
      const dirs = resolveDataDirs(path.join(work, 'node-refuse'), 'local');
      await ensureDataDirs(dirs);
      const progress: TransferProgress[] = [];
      const { runtime: rt } = await createDockerVllmRuntime({
        networkBase: dirs.base,
        network: 'refuse',
        clock: systemClock,
        logger,
        gpu: 'none',
        simulated: true,
        onProgress: (p) => progress.push(p),
      });
      runtimes.push(rt);
      const identity = NodeIdentity.generate();
      const node = composeNode({
        profile: localProfile(devnet.url, devnet.signerAddress),
        dirs,
        identity,
        runtime: rt,
        logger,
        agentVersion: '0.1.0-docker-it',
        agentOptions: { drainTimeoutMs: 2000, pingIntervalMs: 2000 },
      });
      try {
        await node.agent.start();
        const reported = () =>
          devnet.core.registry.get(identity.nodeId)?.lastHeartbeat?.config_status;
        const end = Date.now() + 30_000;
        while (reported()?.state !== 'apply_failed') {
          if (Date.now() > end)
            throw new Error(`no apply_failed reported: ${JSON.stringify(reported() ?? null)}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(reported()?.detail).toMatch(
          new RegExp(
            `^runtime: The network asked for the runtime image ${repository}, which this node does not run`,
          ),
        );
        expect(node.agent.configStatus()).toMatchObject({ state: 'apply_failed' });
        expect(rt.status()).toMatchObject({ state: 'failed' });
        expect(progress).toHaveLength(0);
        const list = await engine.listContainers({
          all: true,
          filters: { label: [`${NETWORK_LABEL}=refuse`] },
        });
        expect(list).toHaveLength(0);
      } finally {
        await node.close('test over');
        await rt.stop();
        await devnet.close();
      }
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

    it('an agent on the devnet registers, passes its test task and serves jobs through the Docker runtime', async () => {
      const devnet = await startDevnet({
        stateDir: path.join(work, 'devnet'),
        wsPingIntervalMs: 2000,
        initialSnapshot: defaultSnapshot('local', {
          runtime: {
            engine: 'vllm',
            images: [{ id: 'sim', repository, tag: 'v1', digest }],
            max_num_seqs: 16,
            gpu_memory_headroom_mb: 1024,
          },
        }),
      });
      const dirs = resolveDataDirs(path.join(work, 'node'), 'local');
      await ensureDataDirs(dirs);
      const { runtime: rt } = await createDockerVllmRuntime({
        networkBase: dirs.base,
        network: 'local',
        clock: systemClock,
        logger,
        gpu: 'none',
        simulated: true,
        extraImages: [repository],
        extra: { supervisor: { timing: { loadingHealthMs: 200, stopTimeoutSec: 2 } } },
      });
      runtimes.push(rt);
      const node = composeNode({
        profile: localProfile(devnet.url, devnet.signerAddress),
        dirs,
        identity: NodeIdentity.generate(),
        runtime: rt,
        logger,
        agentVersion: '0.1.0-docker-it',
        agentOptions: { drainTimeoutMs: 5000, pingIntervalMs: 2000 },
      });
      const until = async (ok: () => boolean, what: string, ms = 60_000) => {
        const end = Date.now() + ms;
        while (!ok()) {
          if (Date.now() > end)
            throw new Error(`timed out waiting for ${what}: ${JSON.stringify(node.agent.state())}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      try {
        const t0 = performance.now();
        await node.agent.start();
        await until(() => node.agent.state().name === 'active', 'the agent to become active');
        timings['agent start → active (pull, container, test task)'] = Math.round(
          performance.now() - t0,
        );
        expect(rt.status()).toMatchObject({
          state: 'ready',
          servedModels: [DEVNET_MODEL.served_name],
        });
        expect(devnet.submitJobs(3)).toHaveLength(3);
        await until(() => devnet.core.ledger.counters.jobs_completed === 3, 'three completed jobs');
      } finally {
        await node.close('test over');
        await rt.stop();
        await devnet.close();
      }
    }, 120_000);
  },
);
