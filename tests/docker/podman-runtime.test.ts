import type Docker from 'dockerode';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src-main/core/clock.js';
import { createLogger } from '../../src-main/core/logger.js';
import { createDockerClients } from '../../src-main/core/runtime/docker/docker-clients.js';
import { DockerVllmRuntime } from '../../src-main/core/runtime/docker/docker-vllm-runtime.js';
import { discoverEngine } from '../../src-main/core/runtime/docker/engine-discovery.js';
import { nodeDiscoveryHost } from '../../src-main/core/runtime/docker/discovery-host.js';
import { ImageAllowList } from '../../src-main/core/runtime/docker/image-allow-list.js';
import { ImagePuller } from '../../src-main/core/runtime/docker/image-puller.js';
import { NETWORK_LABEL } from '../../src-main/core/runtime/docker/labels.js';
import type { RuntimePlan, RuntimeStatus } from '../../src-main/core/runtime/runtime.js';
import { operatorImages } from '../../src-main/service/nvidia-docker-runtime.js';
import { dockerAvailability, dockerSocketPath, toolAvailability } from '../helpers/env.js';
import { FAST_SUPERVISOR_TIMING, waitForStatus } from './runtime-status.js';
import { publishSimImage, type RegistrySimImage } from './sim-image-registry.js';

// Podman serves the Docker-compatible API (rootful here, own storage under a temp folder); the
// image comes from Docker through the local registry, pulled by Podman over plain HTTP.
const podman = toolAvailability('podman', ['--version'], 'podman');
const docker = podman.available ? await dockerAvailability() : podman;

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
  });
}

describe.skipIf(!podman.available || !docker.available)(
  "DockerVllmRuntime on Podman's Docker-compatible API",
  () => {
    let work: string;
    let sock: string;
    let service: ChildProcess;
    let image: RegistrySimImage;
    let engine: Docker;
    let plan: RuntimePlan;
    let rt: DockerVllmRuntime | null = null;

    beforeAll(async () => {
      work = await mkdtemp(path.join(os.tmpdir(), 'rn-podman-'));
      sock = path.join(work, 'podman.sock');
      const dockerEngine = createDockerClients({
        kind: 'socket',
        path: dockerSocketPath(),
        source: 'test',
      }).api;
      // Docker keeps no copy: Podman pulls every layer from the registry.
      image = await publishSimImage(dockerEngine, 'sim-vllm-podman');
      await image.forgetLocalCopies();
      const registry = image.registry;
      const conf = path.join(work, 'registries.conf');
      await writeFile(conf, `[[registry]]\nlocation = "${registry.address}"\ninsecure = true\n`);
      // Podman raises a container's open-file and process limits to large defaults; where this
      // process may not raise its own (a CI container without CAP_SYS_RESOURCE) the start fails,
      // so the test service sets limits any process may set (the simulator needs few).
      const limits = [
        ['nofile', '4096'],
        ['nproc', '4096'],
      ];
      const containersConf = path.join(work, 'containers.conf');
      await writeFile(
        containersConf,
        `[containers]\ndefault_ulimits = [${limits.map(([k, v]) => `"${k}=${v}:${v}"`).join(', ')}]\n`,
      );
      service = spawn(
        'podman',
        [
          '--root',
          path.join(work, 'root'),
          '--runroot',
          path.join(work, 'run'),
          '--storage-driver',
          'vfs',
          'system',
          'service',
          '--time=0',
          `unix://${sock}`,
        ],
        {
          env: {
            ...process.env,
            CONTAINERS_REGISTRIES_CONF: conf,
            CONTAINERS_CONF: containersConf,
          },
          stdio: 'ignore',
        },
      );
      for (let i = 0; i < 100 && !(await ping(sock)); i++)
        await new Promise((r) => setTimeout(r, 100));
      engine = createDockerClients({ kind: 'socket', path: sock, source: 'test' }).api;
      plan = {
        model: { name: 'org/sim-7b', servedName: 'sim-7b', revision: 'main', maxModelLen: 4096 },
        image: { repository: image.repository, tag: image.tag, digest: image.digest },
        maxNumSeqs: 16,
        gpuMemoryHeadroomMb: 1024,
      };
    }, 240_000);

    afterAll(async () => {
      await rt?.stop().catch(() => undefined);
      if (service && service.exitCode === null) {
        service.kill('SIGTERM');
        await new Promise((r) => service.once('exit', r));
      }
      await image?.close();
      // vfs layers of the rootful service: removed with the folder.
      if (work) await rm(work, { recursive: true, force: true });
    }, 120_000);

    it('discovery names the engine Podman (DOCKER_HOST pointing at its socket)', async () => {
      const host = nodeDiscoveryHost();
      const d = await discoverEngine({
        host: { ...host, env: { ...host.env, DOCKER_HOST: `unix://${sock}` } },
      });
      expect(d).toMatchObject({ ok: true, identity: { product: 'podman' } });
    });

    it('pulls by digest, starts confined, serves, is restarted after a kill and cleaned up', async () => {
      const clients = createDockerClients({ kind: 'socket', path: sock, source: 'test' });
      const logger = createLogger([]);
      rt = new DockerVllmRuntime({
        clients,
        puller: new ImagePuller({
          clients,
          clock: systemClock,
          logger,
          engineIsLocal: true,
          requiredBytes: 1024 ** 2,
        }),
        allowList: new ImageAllowList(
          operatorImages({ env: { RESULTITY_EXTRA_RUNTIME_IMAGES: plan.image!.repository } }),
        ),
        clock: systemClock,
        logger,
        network: 'podman',
        cacheDirs: { hf: path.join(work, 'hf'), compile: path.join(work, 'vllm') },
        gpuMemory: null,
        simulated: true,
        modelInstalled: async () => true,
        supervisor: { timing: FAST_SUPERVISOR_TIMING },
      });
      const runtime = rt;
      const waitFor = (pred: (s: RuntimeStatus) => boolean) => waitForStatus(runtime, pred, 60_000);

      await runtime.apply(plan);
      expect(runtime.status()).toMatchObject({ state: 'ready', servedModels: ['sim-7b'] });
      const id = runtime.container()!.id;
      const info = await engine.getContainer(id).inspect();
      // Podman reports "drop ALL" as the list of its default capabilities, all dropped.
      const h = info.HostConfig;
      expect(h.CapAdd ?? []).toEqual([]);
      expect(h.CapDrop).toEqual(
        expect.arrayContaining(['CHOWN', 'DAC_OVERRIDE', 'KILL', 'NET_RAW', 'SETGID', 'SETUID']),
      );
      expect(h.ReadonlyRootfs).toBe(true);
      expect(h.SecurityOpt).toContain('no-new-privileges');
      expect(h.PidsLimit).toBe(4096);
      expect(h.IpcMode).not.toBe('host');
      expect(Number(info.Config.User.split(':')[0])).toBeGreaterThan(0);
      const infer = (prompt: string) =>
        runtime.infer({
          jobId: prompt,
          model: 'sim-7b',
          kind: 'completion',
          prompt,
          maxTokens: 4,
          signal: new AbortController().signal,
        });
      expect((await infer('on podman')).text.length).toBeGreaterThan(0);

      // Supervised: a killed container is seen and started again.
      const down = waitFor((s) => s.state !== 'ready');
      await engine.getContainer(id).kill();
      await down;
      await waitFor((s) => s.state === 'ready');
      expect((await infer('after the kill')).text.length).toBeGreaterThan(0);

      // Cleaned up: stopping removes the runtime's container.
      await runtime.stop();
      const left = await engine.listContainers({
        all: true,
        filters: { label: [`${NETWORK_LABEL}=podman`] },
      });
      expect(left).toHaveLength(0);
    }, 240_000);
  },
);
