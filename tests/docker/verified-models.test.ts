// The model store in front of the real Docker runtime: a local HTTP hub plays Hugging Face
// (Range support), the simulated-runtime image stands in for vLLM. The container must get the
// verified folder read-only and the offline environment; a tampered file must end as
// `mismatch` on the Models page, with no container started.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src-main/core/clock.js';
import { createLogger, type LogEntry } from '../../src-main/core/logger.js';
import type { ApprovedModel } from '../../src-main/core/protocol/schemas/snapshot.js';
import {
  createDockerVllmRuntime,
  runtimeDirs,
} from '../../src-main/core/runtime/docker/create-docker-runtime.js';
import { createDockerClients } from '../../src-main/core/runtime/docker/docker-clients.js';
import { NETWORK_LABEL } from '../../src-main/core/runtime/docker/labels.js';
import {
  createModelStore,
  withVerifiedModels,
  type VerifiedModelsOptions,
} from '../../src-main/core/runtime/models/verified-models.js';
import type { Runtime, RuntimePlan } from '../../src-main/core/runtime/runtime.js';
import { ModelView } from '../../src-main/service/model-view.js';
import { buildTestSimImage } from '../helpers/docker.js';
import { dockerAvailability, dockerSocketPath } from '../helpers/env.js';
import { startTestModelHub, type TestModelHub } from '../helpers/model-hub.js';
import { probeInside } from './container-probe.js';
import { pushToRegistry, startLocalRegistry, type LocalRegistry } from './local-registry.js';

const docker = await dockerAvailability();
const pid = process.pid;
const buildTag = `resultity-test/sim-vllm-models:${pid}`;
const FOLDER = '/cache/huggingface/hub/models--org--sim-7b/snapshots/r1';

describe.skipIf(!docker.available)('verified model files on the real engine', () => {
  const clients = createDockerClients({ kind: 'socket', path: dockerSocketPath(), source: 'test' });
  const engine = clients.api;
  const logs: LogEntry[] = [];
  const logger = createLogger([(e) => logs.push(e)], { minLevel: 'debug' });
  const runtimes: Runtime[] = [];
  const files = {
    'config.json': Buffer.from('{"architectures":["SimForCausalLM"]}'),
    'model.safetensors': randomBytes(2 * 1024 * 1024),
  };
  let hub: TestModelHub;
  let registry: LocalRegistry;
  let repository: string;
  let digest: string;
  let work: string;

  /** The production pieces, wired as service/runtime-choice.ts wires them for Docker. */
  async function verifiedDocker(network: string, approved: ApprovedModel[]) {
    const base = path.join(work, network);
    const dirs = runtimeDirs(base);
    const models: VerifiedModelsOptions = {
      hfHome: dirs.hfHome,
      quarantineDir: dirs.quarantine,
      networkUrl: hub.url,
      approved: () => approved,
      diskBudgetGb: null,
      clock: systemClock,
      logger,
    };
    const store = createModelStore(models);
    const { runtime: inner } = await createDockerVllmRuntime({
      networkBase: base,
      network,
      clock: systemClock,
      logger,
      gpu: 'none',
      simulated: true,
      extraImages: [repository],
      models: { store, approved: () => approved },
    });
    const runtime = withVerifiedModels(inner, store, models);
    runtimes.push(runtime);
    return { runtime, hfHome: dirs.hfHome };
  }

  const planFor = (m: ApprovedModel): RuntimePlan => ({
    model: { name: m.name, servedName: m.served_name, revision: m.revision, maxModelLen: 4096 },
    image: { repository, tag: 'v1', digest },
    maxNumSeqs: 8,
    gpuMemoryHeadroomMb: 0,
  });
  const containersOf = (network: string) =>
    engine.listContainers({ all: true, filters: { label: [`${NETWORK_LABEL}=${network}`] } });

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'rn-verified-models-'));
    hub = await startTestModelHub(files);
    await buildTestSimImage(engine, buildTag);
    registry = await startLocalRegistry();
    repository = `${registry.address}/resultity-test/sim-vllm-models`;
    digest = await pushToRegistry(engine, buildTag, repository, 'v1');
  }, 240_000);

  afterAll(async () => {
    for (const rt of runtimes) await rt.stop().catch(() => undefined);
    for (const ref of [`${repository}@${digest}`, `${repository}:v1`, buildTag])
      await engine
        .getImage(ref)
        .remove({ force: true })
        .catch(() => undefined);
    await registry?.close();
    await hub?.close();
    await rm(work, { recursive: true, force: true });
  }, 120_000);

  it('resumes the download with Range, checks every SHA-256, then runs the container offline on the verified folder, read-only', async () => {
    const model = hub.model('sim-7b', 'org/sim-7b', 'r1');
    const { runtime, hfHome } = await verifiedDocker('verified-ok', [model]);
    // Half of the weights from an earlier, interrupted run.
    const snapshot = path.join(hfHome, 'hub', 'models--org--sim-7b', 'snapshots', 'r1');
    await mkdir(snapshot, { recursive: true });
    await writeFile(
      path.join(snapshot, 'model.safetensors.partial'),
      files['model.safetensors'].subarray(0, 1_000_000),
    );
    await runtime.apply(planFor(model));
    expect(runtime.status()).toMatchObject({ state: 'ready', servedModels: ['sim-7b'] });
    expect(hub.requests.find((r) => r.path.endsWith('model.safetensors'))?.range).toBe(
      'bytes=1000000-',
    );

    const [listed] = await containersOf('verified-ok');
    const info = await engine.getContainer(listed!.Id).inspect();
    expect(info.HostConfig.Binds).toContain(`${hfHome}:/cache/huggingface:ro`);
    expect(info.Config.Env).toEqual(
      expect.arrayContaining(['HF_HUB_OFFLINE=1', 'TRANSFORMERS_OFFLINE=1']),
    );
    const cmd = info.Config.Cmd ?? [];
    expect(cmd.slice(cmd.indexOf('--model'), cmd.indexOf('--model') + 4)).toEqual([
      '--model',
      FOLDER,
      '--served-model-name',
      'sim-7b',
    ]);
    expect(cmd).not.toContain('--revision');
    // From inside: the verified folder is there and cannot be written.
    const inside = await probeInside(engine.getContainer(listed!.Id), [FOLDER]);
    expect(inside.writes[FOLDER]).toBe('EROFS');

    const view = new ModelView({});
    await view.refresh({ approved: () => [model], runtime });
    expect(view.models()).toEqual([
      expect.objectContaining({
        servedName: 'sim-7b',
        installed: true,
        active: true,
        verification: 'verified',
        digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      }),
    ]);
    expect(runtime.models?.installed()).toEqual([{ name: 'org/sim-7b', revision: 'r1' }]);
  }, 180_000);

  it('a hub that serves a corrupted file: fetched again, then mismatch with the file named; no container, and the Models page says so', async () => {
    const model = hub.model('sim-7b', 'org/sim-7b', 'r1');
    hub.corrupt.add('model.safetensors');
    hub.requests.length = 0;
    try {
      const { runtime } = await verifiedDocker('verified-bad', [model]);
      await expect(runtime.apply(planFor(model))).rejects.toThrow(
        /model\.safetensors of org\/sim-7b@r1 failed its SHA-256 check 3 times/,
      );
      expect(hub.requests.filter((r) => r.path.endsWith('model.safetensors'))).toHaveLength(3);
      expect(await containersOf('verified-bad')).toHaveLength(0);
      expect(runtime.status()).toMatchObject({ state: 'failed' });
      const view = new ModelView({});
      await view.refresh({ approved: () => [model], runtime });
      expect(view.models()).toEqual([
        expect.objectContaining({
          verification: 'mismatch',
          installed: false,
          detail: expect.stringContaining('model.safetensors'),
        }),
      ]);
      expect(runtime.models?.installed()).toEqual([]);
      expect(logs.some((l) => l.level === 'error' && /SHA-256/.test(l.message))).toBe(true);
    } finally {
      hub.corrupt.clear();
    }
  }, 120_000);
});
