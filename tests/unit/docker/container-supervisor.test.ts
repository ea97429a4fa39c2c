import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/core/logger.js';
import { ContainerSupervisor } from '../../../src-main/core/runtime/docker/container-supervisor.js';
import type { VllmContainerSpec } from '../../../src-main/core/runtime/docker/container-spec.js';
import type { SupervisorState } from '../../../src-main/core/runtime/docker/supervisor-status.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { FakeEngine, logFrame, type FakeContainer } from './fake-engine.js';

const spec: VllmContainerSpec = {
  image: `sim@sha256:${'a'.repeat(64)}`,
  network: 'local',
  planHash: 'p1',
  model: { name: 'org/m', servedName: 'm', revision: 'main', maxModelLen: 2048 },
  maxNumSeqs: 8,
  gpuMemoryUtilization: 0.9,
  deviceRequests: null,
  hfCacheDir: '/tmp/hf',
  compileCacheDir: '/tmp/vc',
  offline: false,
  user: { uid: 1000, gid: 1000 },
};

const settle = async () => {
  for (let i = 0; i < 30; i++) await new Promise((r) => setImmediate(r));
};

function setup() {
  const clock = new ManualClock();
  const engine = new FakeEngine();
  let port = 40000;
  const sup = new ContainerSupervisor({
    clients: engine.clients(),
    clock,
    logger: silentLogger,
    network: 'local',
    fetch: engine.fetch,
    pickPort: async () => ++port,
    driverMajor: () => 550,
    timing: {
      loadingHealthMs: 100,
      readyHealthMs: 100,
      loadingBudgetMs: 1_000,
      unhealthyAfter: 2,
      restartAfter: 3,
      restartBaseMs: 100,
      restartMaxMs: 1_000,
      restartsBeforeRecreate: 1,
      recreatesBeforeFail: 1,
      failedRetryMs: 10_000,
    },
  });
  const states: SupervisorState[] = [];
  sup.onStatus((s) => states.push(s.state));
  /** Advances time in small steps so async health checks and restarts complete. */
  const run = async (ms: number) => {
    for (let t = 0; t < ms; t += 50) {
      clock.advance(50);
      await settle();
    }
  };
  const current = () => engine.created.at(-1) as FakeContainer;
  const makeHealthy = () => engine.health.set(current().port, 'ok');
  return { clock, engine, sup, states, run, current, makeHealthy };
}

async function startReady(t: ReturnType<typeof setup>) {
  const started = t.sup.start(spec);
  await settle();
  t.makeHealthy();
  await t.run(200);
  await started;
}

describe('ContainerSupervisor (fake engine, manual clock)', () => {
  it('loads, then serves once /health answers 200; removes our stale containers first', async () => {
    const t = setup();
    const stale = await t.engine.clients().api.createContainer({
      Labels: {
        'network.resultity.node': '1',
        'network.resultity.network': 'local',
        'network.resultity.role': 'vllm',
      },
    });
    await startReady(t);
    expect(t.states).toEqual(['starting', 'loading', 'ready']);
    expect(t.engine.containers.has(stale.id)).toBe(false);
    expect(t.sup.endpoint()?.baseUrl).toBe(`http://127.0.0.1:${t.current().port}`);
  });

  it('restarts the same container after a crash seen on the event stream', async () => {
    const t = setup();
    await startReady(t);
    const c = t.current();
    c.crash(1);
    await settle();
    expect(t.sup.status()).toMatchObject({ state: 'restarting' });
    expect(t.sup.status().detail).toContain('exited (code 1)');
    await t.run(150);
    expect(c.starts).toBe(2);
    expect(t.engine.created).toHaveLength(1);
    await t.run(200);
    expect(t.sup.status()).toMatchObject({ state: 'ready', restarts: 1 });
  });

  it('notices an exit the event stream has not reported yet, through the health loop', async () => {
    const t = setup();
    await startReady(t);
    t.current().crash(137, true, false);
    await t.run(150);
    expect(t.sup.status().detail).toMatch(/ran out of memory/);
    expect(t.sup.status().state).toBe('restarting');
  });

  it('recreates the container after repeated failures, then fails with the cause and retries later', async () => {
    const t = setup();
    await startReady(t);
    // The engine dies at every start, and the logs say why.
    const crashLoop = async () => {
      const c = t.current();
      c.logStream?.write(
        logFrame('RuntimeError: CUDA driver version is insufficient for CUDA runtime version\n'),
      );
      await settle();
      c.crash(1);
      await settle();
    };
    await crashLoop(); // failure 1 → restart the same container
    await t.run(150);
    expect(t.engine.created).toHaveLength(1);
    await crashLoop(); // failure 2 → recreate
    expect(t.sup.status().detail).toMatch(/Recreating the container/);
    expect(t.sup.status().fix).toMatch(/Update the NVIDIA driver to 580/);
    await t.run(300);
    expect(t.engine.created).toHaveLength(2);
    expect(t.engine.created[0]!.removed).toBe(true);
    await crashLoop(); // failure 1 after recreate → restart
    await t.run(150);
    await crashLoop(); // failure 2 → second recreate exceeds the budget → failed
    expect(t.sup.status()).toMatchObject({ state: 'failed' });
    expect(t.sup.status().detail).toMatch(/too old for the CUDA version/);
    await t.run(10_050);
    expect(t.engine.created).toHaveLength(3);
  });

  it('gives a slow model a loading budget, then restarts it', async () => {
    const t = setup();
    const started = t.sup.start(spec);
    started.catch(() => undefined);
    await t.run(900);
    expect(t.sup.status().state).toBe('loading');
    await t.run(300);
    expect(t.sup.status().state).toBe('restarting');
    expect(t.sup.status().detail).toMatch(/did not finish loading within/);
  });

  it('marks a runtime that stops answering unhealthy, then restarts it', async () => {
    const t = setup();
    await startReady(t);
    t.engine.health.set(t.current().port, 'down');
    await t.run(250);
    expect(t.sup.status().state).toBe('unhealthy');
    await t.run(200);
    expect(t.states).toContain('restarting');
    t.makeHealthy();
    await t.run(500);
    expect(t.sup.status().state).toBe('ready');
    expect(t.current().starts).toBe(2);
  });

  it('fails at once with the fix when Docker cannot give the container a GPU', async () => {
    const t = setup();
    t.engine.startFailure = () =>
      new Error(
        '(HTTP code 500) server error - could not select device driver "nvidia" with capabilities: [[gpu]]',
      );
    await expect(t.sup.start(spec)).rejects.toThrow(/could not select device driver/);
    expect(t.sup.status()).toMatchObject({ state: 'failed' });
    expect(t.sup.status().fix).toMatch(/NVIDIA Container Toolkit/);
    expect(t.engine.containers.size).toBe(0);
  });

  it('stops: removes the container and ignores its last events', async () => {
    const t = setup();
    await startReady(t);
    const c = t.current();
    await t.sup.stop();
    c.crash(137);
    await t.run(500);
    expect(t.sup.status().state).toBe('stopped');
    expect(c.removed).toBe(true);
    expect(t.engine.created).toHaveLength(1);
  });
});
