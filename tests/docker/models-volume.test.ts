// Issue 12: with --models-volume (the node runs in a container, the agent image) the runtime
// container must see the verified model files read-only, on every supported engine. This engine
// may be older than Docker 26 (no volume sub-folder mounts): the whole volume is then mounted
// read-only at /cache and the compile cache is a tmpfs. The node here runs on the host and sees
// the volume at its mountpoint, as the agent sees it at --models-dir.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src-main/core/clock.js';
import { silentLogger } from '../../src-main/core/logger.js';
import {
  createDockerVllmRuntime,
  runtimeCacheDirs,
  runtimeDirs,
} from '../../src-main/core/runtime/docker/create-docker-runtime.js';
import { createDockerClients } from '../../src-main/core/runtime/docker/docker-clients.js';
import { engineMountsSubpaths } from '../../src-main/core/runtime/docker/cache-mounts.js';
import { identifyEngine } from '../../src-main/core/runtime/docker/engine-identity.js';
import { NETWORK_LABEL } from '../../src-main/core/runtime/docker/labels.js';
import {
  createModelStore,
  withVerifiedModels,
} from '../../src-main/core/runtime/models/verified-models.js';
import type { Runtime } from '../../src-main/core/runtime/runtime.js';
import { dockerAvailability, dockerSocketPath } from '../helpers/env.js';
import { startTestModelHub, type TestModelHub } from '../helpers/model-hub.js';
import { probeInside } from './container-probe.js';
import { publishSimImage, type RegistrySimImage } from './sim-image-registry.js';

const docker = await dockerAvailability();
const NETWORK = `models-volume-${process.pid}`;
const VOLUME = `rn-models-volume-${process.pid}`;
const FOLDER = '/cache/huggingface/hub/models--org--sim-7b/snapshots/r1';

describe.skipIf(!docker.available)('the models volume on the real engine', () => {
  const clients = createDockerClients({ kind: 'socket', path: dockerSocketPath(), source: 'test' });
  const engine = clients.api;
  let image: RegistrySimImage;
  let hub: TestModelHub;
  let work: string;
  let runtime: Runtime | undefined;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'rn-models-volume-'));
    hub = await startTestModelHub({
      'config.json': Buffer.from('{"architectures":["SimForCausalLM"]}'),
      'model.safetensors': randomBytes(512 * 1024),
    });
    image = await publishSimImage(engine, 'sim-vllm-volume');
    await engine.createVolume({ Name: VOLUME });
  }, 240_000);

  afterAll(async () => {
    await runtime?.stop().catch(() => undefined);
    await engine
      .getVolume(VOLUME)
      .remove({ force: true })
      .catch(() => undefined);
    await image?.close();
    await hub?.close();
    await rm(work, { recursive: true, force: true });
  }, 120_000);

  it('mounts the verified model files read-only (a write from inside fails) and keeps the compile cache writable', async () => {
    const { Mountpoint } = (await engine.getVolume(VOLUME).inspect()) as { Mountpoint: string };
    const modelsVolume = { name: VOLUME, dir: Mountpoint };
    const model = hub.model('sim-7b', 'org/sim-7b', 'r1');
    const base = path.join(work, NETWORK);
    // Wired as service/runtime-choice.ts wires the Docker runtime with --models-volume.
    const models = {
      hfHome: runtimeCacheDirs(base, modelsVolume).hf,
      quarantineDir: runtimeDirs(base).quarantine,
      networkUrl: hub.url,
      approved: () => [model],
      diskBudgetGb: null,
      clock: systemClock,
      logger: silentLogger,
    };
    const store = createModelStore(models);
    const { runtime: inner, discovery } = await createDockerVllmRuntime({
      networkBase: base,
      network: NETWORK,
      clock: systemClock,
      logger: silentLogger,
      gpu: 'none',
      simulated: true,
      extraImages: [image.repository],
      modelsVolume,
      models: { store, approved: () => [model] },
    });
    runtime = withVerifiedModels(inner, store, models);
    await runtime.apply({
      model: { name: 'org/sim-7b', servedName: 'sim-7b', revision: 'r1', maxModelLen: 4096 },
      image: { repository: image.repository, tag: image.tag, digest: image.digest },
      maxNumSeqs: 8,
      gpuMemoryHeadroomMb: 0,
    });
    expect(runtime.status()).toMatchObject({ state: 'ready', servedModels: ['sim-7b'] });

    const [listed] = await engine.listContainers({
      filters: { label: [`${NETWORK_LABEL}=${NETWORK}`] },
    });
    const info = await engine.getContainer(listed!.Id).inspect();
    expect(info.HostConfig.Binds ?? []).toEqual([]);
    const version = identifyEngine(await engine.version());
    expect(engineMountsSubpaths(version)).toBe(engineMountsSubpaths(discovery.identity));
    const mounts = info.Mounts.map((m) => ({
      Type: m.Type,
      Name: m.Name,
      Destination: m.Destination,
      RW: m.RW,
    }));
    const subpaths = engineMountsSubpaths(version);
    if (subpaths) {
      expect(mounts).toEqual(
        expect.arrayContaining([
          { Type: 'volume', Name: VOLUME, Destination: '/cache/huggingface', RW: false },
          { Type: 'volume', Name: VOLUME, Destination: '/cache/vllm', RW: true },
        ]),
      );
    } else {
      console.log(`[models-volume] engine API ${version.apiVersion}: no sub-folder mounts`);
      expect(mounts).toEqual([{ Type: 'volume', Name: VOLUME, Destination: '/cache', RW: false }]);
      expect(info.Config.Env).toContain('VLLM_CACHE_ROOT=/tmp/vllm');
    }
    // From inside: the weights and the cache around them cannot be written; the compile cache can.
    const compile = subpaths ? '/cache/vllm' : '/tmp';
    const inside = await probeInside(engine.getContainer(listed!.Id), [
      FOLDER,
      '/cache/huggingface',
      compile,
    ]);
    expect(inside.writes).toEqual({
      [FOLDER]: 'EROFS',
      '/cache/huggingface': 'EROFS',
      [compile]: 'ok',
    });
  }, 180_000);
});
