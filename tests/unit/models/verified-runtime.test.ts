import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src-main/core/clock.js';
import { silentLogger } from '../../../src-main/core/logger.js';
import type { ApprovedModel } from '../../../src-main/core/protocol/schemas/snapshot.js';
import { ModelLibrary } from '../../../src-main/core/runtime/models/model-library.js';
import { ModelStore } from '../../../src-main/core/runtime/models/model-store.js';
import { VerifiedModelRuntime } from '../../../src-main/core/runtime/models/verified-runtime.js';
import type { RuntimePlan, RuntimeStatus } from '../../../src-main/core/runtime/runtime.js';
import { ModelView } from '../../../src-main/service/model-view.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { startTestModelHub, type TestModelHub } from '../../helpers/model-hub.js';
import { FakeRuntime } from '../agent/fakes/fake-runtime.js';

const files = { 'config.json': Buffer.from('{"a":1}'), 'model.safetensors': randomBytes(300_000) };

const planFor = (m: ApprovedModel): RuntimePlan => ({
  model: { name: m.name, servedName: m.served_name, revision: m.revision, maxModelLen: 4096 },
  image: null,
  maxNumSeqs: 8,
  gpuMemoryHeadroomMb: 0,
});

describe('VerifiedModelRuntime and ModelLibrary', () => {
  let hub: TestModelHub;
  let dir: string;
  let hfHome: string;
  beforeAll(async () => {
    hub = await startTestModelHub(files);
  });
  afterAll(() => hub.close());
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rn-verified-'));
    hfHome = path.join(dir, 'hf');
    hub.corrupt.clear();
    hub.requests.length = 0;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  function build(approved: ApprovedModel[], clock = systemClock) {
    const store = new ModelStore({
      hfHome,
      quarantineDir: path.join(dir, 'quarantine'),
      downloader: { baseUrl: 'http://127.0.0.1:9' },
      clock,
      logger: silentLogger,
      retryBaseMs: 1,
      progressIntervalMs: 0,
    });
    const library = new ModelLibrary({
      store,
      hfHome,
      approved: () => approved,
      clock,
      logger: silentLogger,
      pruneGraceMs: 60_000,
    });
    const inner = new FakeRuntime();
    inner.setStatus({ state: 'stopped', servedModels: [] });
    const applyFake = inner.apply.bind(inner);
    inner.apply = async (plan) => {
      await applyFake(plan);
      inner.setStatus({ state: 'ready' });
    };
    const runtime = new VerifiedModelRuntime(inner, library, () => approved, silentLogger);
    return { store, library, inner, runtime };
  }

  it('hands the plan to the runtime only after every file of its model was verified', async () => {
    const model = hub.model('tiny', 'org/tiny', 'r1');
    const { runtime, inner, store } = build([model]);
    const seen: RuntimeStatus[] = [];
    runtime.onStatus((s) => seen.push(s));
    let installedWhenApplied: boolean | null = null;
    const apply = inner.apply.bind(inner);
    inner.apply = async (plan) => {
      installedWhenApplied = await store.isInstalled(model);
      return apply(plan);
    };
    await runtime.apply(planFor(model));
    expect(installedWhenApplied).toBe(true);
    expect(inner.plans).toHaveLength(1);
    expect(seen[0]).toMatchObject({ state: 'starting', detail: expect.stringMatching(/checking/) });
    expect(runtime.status()).toMatchObject({ state: 'ready', servedModels: ['tiny'] });
    expect(runtime.models.installed()).toEqual([{ name: 'org/tiny', revision: 'r1' }]);
  });

  it('a file that keeps failing its hash: no start, failed with the file named, mismatch on the Models page', async () => {
    const model = hub.model('tiny', 'org/tiny', 'r1');
    hub.corrupt.add('model.safetensors');
    const { runtime, inner } = build([model]);
    await expect(runtime.apply(planFor(model))).rejects.toThrow(
      /model\.safetensors of org\/tiny@r1 failed its SHA-256 check 3 times/,
    );
    expect(inner.plans).toHaveLength(0);
    expect(runtime.status()).toMatchObject({ state: 'failed' });
    expect(runtime.models.installed()).toEqual([]);
    const view = new ModelView({});
    await view.refresh({ approved: () => [model], runtime });
    expect(view.models()).toEqual([
      expect.objectContaining({
        servedName: 'tiny',
        installed: false,
        verification: 'mismatch',
        detail: expect.stringContaining('model.safetensors'),
      }),
    ]);
    expect(view.models()[0]).not.toHaveProperty('digest');
  });

  it('asks the runtime to refuse a plan before downloading anything', async () => {
    const model = hub.model('tiny', 'org/tiny', 'r1');
    const { runtime, inner } = build([model]);
    Object.assign(inner, {
      precheck: async () => {
        throw new Error('No NVIDIA GPU is available to the runtime.');
      },
    });
    await expect(runtime.apply(planFor(model))).rejects.toThrow(/No NVIDIA GPU/);
    expect(hub.requests).toHaveLength(0);
  });

  it('keeps serving the earlier model while a new revision downloads, and shows it verified with its digest', async () => {
    const r1 = hub.model('tiny', 'org/tiny', 'r1');
    const approved = [r1];
    const { runtime, inner } = build(approved);
    await runtime.apply(planFor(r1));
    const r2 = hub.model('tiny', 'org/tiny', 'r2');
    approved.splice(0, 1, r2);
    const states: string[] = [];
    runtime.onStatus((s) => states.push(s.state));
    const view = new ModelView({});
    const verification: string[] = [];
    view.onModels((m) => verification.push(m[0]!.verification));
    runtime.models.onChange(() => void view.refresh({ approved: () => approved, runtime }));
    await runtime.apply(planFor(r2));
    await view.refresh({ approved: () => approved, runtime });
    expect(states).not.toContain('starting');
    expect(inner.plans.map((p) => p.model.revision)).toEqual(['r1', 'r2']);
    expect(verification).toEqual(['downloading', 'verifying', 'verified']);
    expect(view.models()[0]).toMatchObject({
      verification: 'verified',
      installed: true,
      active: true,
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
  });

  it('removes a model the network stopped approving once the grace period has passed', async () => {
    const clock = new ManualClock();
    const model = hub.model('tiny', 'org/tiny', 'r1');
    const { library } = build([model], clock);
    const retired = path.join(hfHome, 'hub', 'models--org--retired', 'snapshots', 'main');
    await mkdir(retired, { recursive: true });
    expect(await library.prune()).toEqual([]);
    clock.advance(59_000);
    expect(await library.prune()).toEqual([]);
    expect(existsSync(retired)).toBe(true);
    clock.advance(1_000);
    expect(await library.prune()).toEqual([path.join(hfHome, 'hub', 'models--org--retired')]);
    expect(existsSync(retired)).toBe(false);
    library.close();
  });
});
