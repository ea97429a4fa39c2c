import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src-main/core/clock.js';
import { createLogger, type LogEntry } from '../../src-main/core/logger.js';
import { createDockerClients } from '../../src-main/core/runtime/docker/docker-clients.js';
import { NETWORK_LABEL } from '../../src-main/core/runtime/docker/labels.js';
import type { TransferProgress } from '../../src-main/core/runtime/docker/transfer-progress.js';
import type { Runtime, RuntimePlan } from '../../src-main/core/runtime/runtime.js';
import { ensureDataDirs, resolveDataDirs } from '../../src-main/core/store/data-dirs.js';
import { DEVNET_MODEL } from '../../src-main/devnet/io/default-snapshot.js';
import { parseOptions } from '../../src-main/headless/options.js';
import { createRuntime } from '../../src-main/service/runtime-choice.js';
import { dockerAvailability, dockerSocketPath } from '../helpers/env.js';
import { waitUntil } from '../helpers/processes.js';
import { dockerNodeOnDevnet } from './docker-node.js';
import { publishSimImage, type RegistrySimImage } from './sim-image-registry.js';

// The Docker runtime inside the node, on the real engine: the production factory's image
// allow-list, a refused network image reported to the network, and jobs served on the devnet.
const docker = await dockerAvailability();

describe.skipIf(!docker.available)('a node with the Docker runtime on the real engine', () => {
  const engine = createDockerClients({
    kind: 'socket',
    path: dockerSocketPath(),
    source: 'test',
  }).api;
  const logs: LogEntry[] = [];
  const logger = createLogger([(e) => logs.push(e)], { minLevel: 'debug' });
  const factoryRuntimes: Runtime[] = [];
  let image: RegistrySimImage;
  let repository: string;
  let work: string;
  let plan: RuntimePlan;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'rn-docker-node-'));
    image = await publishSimImage(engine, 'sim-vllm-node');
    repository = image.repository;
    plan = {
      model: { name: 'org/sim-7b', servedName: 'sim-7b', revision: 'main', maxModelLen: 4096 },
      image: { repository, tag: image.tag, digest: image.digest },
      maxNumSeqs: 16,
      gpuMemoryHeadroomMb: 1024,
    };
  }, 240_000);

  afterAll(async () => {
    for (const rt of factoryRuntimes) await rt.stop().catch(() => undefined);
    await image?.close();
    await rm(work, { recursive: true, force: true });
    console.log(`[docker-runtime-node] timings (ms): ${JSON.stringify(timings)}`);
  }, 120_000);

  it('the production factory (headless --runtime docker, as the desktop) refuses an image outside the allow-list and runs it once the operator allows it', async () => {
    const dirs = resolveDataDirs(path.join(work, 'prod-factory'), 'testnet');
    await ensureDataDirs(dirs);
    const progress: unknown[] = [];
    const make = async (argv: string[], env: Record<string, string> = {}) => {
      const cfg = await parseOptions(['--profile', 'testnet', '--runtime', 'docker', ...argv], env);
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
    expect(logs.some((l) => l.level === 'error' && l.message.includes('does not run'))).toBe(true);
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
    const progress: TransferProgress[] = [];
    const {
      devnet,
      node,
      runtime: rt,
      identity,
      close,
    } = await dockerNodeOnDevnet({
      work,
      name: 'refuse',
      image,
      logger,
      agentVersion: '0.1.0-docker-it',
      drainTimeoutMs: 2000,
      allowImage: false,
      runtimeNetwork: 'refuse',
      snapshot: (base) => ({ ttl: { ...base.ttl, heartbeat_interval_ms: 300 } }),
      onProgress: (p) => progress.push(p),
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
      await close();
    }
  }, 60_000);

  it('an agent on the devnet registers, passes its test task and serves jobs through the Docker runtime', async () => {
    const {
      devnet,
      node,
      runtime: rt,
      close,
    } = await dockerNodeOnDevnet({
      work,
      name: 'serve',
      image,
      logger,
      agentVersion: '0.1.0-docker-it',
      drainTimeoutMs: 5000,
      allowImage: true,
      runtimeExtra: { supervisor: { timing: { loadingHealthMs: 200, stopTimeoutSec: 2 } } },
    });
    try {
      const t0 = performance.now();
      await node.agent.start();
      await waitUntil(
        () => node.agent.state().name === 'active',
        'the agent to become active',
        60_000,
      );
      timings['agent start → active (pull, container, test task)'] = Math.round(
        performance.now() - t0,
      );
      expect(rt.status()).toMatchObject({
        state: 'ready',
        servedModels: [DEVNET_MODEL.served_name],
      });
      expect(devnet.submitJobs(3)).toHaveLength(3);
      await waitUntil(
        () => devnet.core.ledger.counters.jobs_completed === 3,
        'three completed jobs',
        60_000,
      );
    } finally {
      await close();
    }
  }, 120_000);
});
