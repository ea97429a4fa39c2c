import { afterEach, describe, expect, it } from 'vitest';
import { ExternalRuntime } from '../../../src-main/core/runtime/external-runtime.js';
import type { RuntimePlan, RuntimeStatus } from '../../../src-main/core/runtime/runtime.js';
import { startFakeOpenAI, type FakeOpenAIServer } from '../../helpers/fake-openai-server.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const plan = (servedName: string): RuntimePlan => ({
  model: { name: `org/${servedName}`, servedName, revision: 'r1', maxModelLen: 4096 },
  image: null,
  maxNumSeqs: 64,
  gpuMemoryHeadroomMb: 0,
});

let server: FakeOpenAIServer | null = null;
let runtime: ExternalRuntime | null = null;
afterEach(async () => {
  await runtime?.stop();
  await server?.close();
  runtime = null;
  server = null;
});

describe('ExternalRuntime', () => {
  it('becomes ready when the endpoint serves the planned model, and infers through it', async () => {
    server = await startFakeOpenAI({ models: ['sim-chat-1b'], apiKey: 'secret', tokens: 3 });
    runtime = new ExternalRuntime({
      url: server.url,
      apiKey: 'secret',
      simulated: true,
      clock: new ManualClock(),
    });
    const seen: RuntimeStatus[] = [];
    runtime.onStatus((s) => seen.push(s));
    await runtime.apply(plan('sim-chat-1b'));
    const status = runtime.status();
    expect(status).toMatchObject({
      kind: 'simulated',
      state: 'ready',
      simulated: true,
      version: '0.11.0-fake',
    });
    expect(status.servedModels).toEqual(['sim-chat-1b']);
    expect(seen.map((s) => s.state)).toEqual(['starting', 'ready']);
    const result = await runtime.infer({
      jobId: 'j',
      model: 'sim-chat-1b',
      kind: 'completion',
      prompt: 'x',
      maxTokens: 8,
      signal: new AbortController().signal,
    });
    expect(result.text).toBe('w0 w1 w2 ');
  });

  it('refuses a plan whose model the endpoint does not serve, saying what to do', async () => {
    server = await startFakeOpenAI({ models: ['other-model'] });
    runtime = new ExternalRuntime({ url: server.url, clock: new ManualClock() });
    await expect(runtime.apply(plan('sim-chat-1b'))).rejects.toThrow(
      /serves other-model, not "sim-chat-1b".*--served-model-name sim-chat-1b/,
    );
    expect(runtime.status().state).toBe('failed');
    expect(runtime.status().simulated).toBe(false);
  });

  it('waits through loading and goes unhealthy and back on the health loop clock', async () => {
    server = await startFakeOpenAI({ healthStatus: 503 });
    const clock = new ManualClock();
    runtime = new ExternalRuntime({
      url: server.url,
      clock,
      healthIntervalMs: 1_000,
      applyTimeoutMs: 60_000,
    });
    const applied = runtime.apply(plan('sim-chat-1b'));
    await expect.poll(() => runtime!.status().state).toBe('loading');
    server.options.healthStatus = 200;
    clock.advance(1_000);
    await applied;
    expect(runtime.status().state).toBe('ready');

    // The loop re-arms its timer once a check has finished.
    const armed = () => expect.poll(() => clock.pending).toBe(1);
    server.options.healthStatus = 500;
    await armed();
    clock.advance(1_000);
    await expect.poll(() => runtime!.status().state).toBe('unhealthy');
    expect(runtime.status().detail).toContain('HTTP 500');
    server.options.healthStatus = 200;
    await armed();
    clock.advance(1_000);
    await expect.poll(() => runtime!.status().state).toBe('ready');
  });

  it('checks every second while the runtime is down, every interval while it serves', async () => {
    server = await startFakeOpenAI();
    const clock = new ManualClock();
    runtime = new ExternalRuntime({ url: server.url, clock, healthIntervalMs: 5_000 });
    await runtime.apply(plan('sim-chat-1b'));
    expect(runtime.status().state).toBe('ready');
    // The loop re-arms its timer once a check has finished; a fired timer is gone at once.
    const armed = () => expect.poll(() => clock.pending).toBe(1);
    const notChecked = () => expect(clock.pending).toBe(1);
    // The loop's first timer was set while the runtime was still starting: one second.
    clock.advance(1_000);
    await armed();
    expect(runtime.status().state).toBe('ready');

    // Serving: a failure shows only on the next 5 s check.
    server.options.healthStatus = 500;
    await armed();
    clock.advance(4_999);
    notChecked();
    clock.advance(1);
    await expect.poll(() => runtime!.status().state).toBe('unhealthy');

    // Down: the runtime answering again is seen within a second, not after another 5 s.
    server.options.healthStatus = 200;
    await armed();
    clock.advance(999);
    notChecked();
    clock.advance(1);
    await expect.poll(() => runtime!.status().state).toBe('ready');

    // Serving again: back to the 5 s interval.
    server.options.healthStatus = 500;
    await armed();
    clock.advance(4_999);
    notChecked();
    expect(runtime.status().state).toBe('ready');
    clock.advance(1);
    await expect.poll(() => runtime!.status().state).toBe('unhealthy');
  });

  it('checks within a second once a check between the loop’s finds it down', async () => {
    server = await startFakeOpenAI();
    const clock = new ManualClock();
    runtime = new ExternalRuntime({ url: server.url, clock, healthIntervalMs: 5_000 });
    await runtime.apply(plan('sim-chat-1b'));
    clock.advance(1_000);
    await expect.poll(() => clock.pending).toBe(1);
    // The loop waits 5 s; a check out of turn (a new plan applied) finds the runtime down.
    server.options.healthStatus = 500;
    await runtime.check();
    expect(runtime.status().state).toBe('unhealthy');
    server.options.healthStatus = 200;
    clock.advance(1_000);
    await expect.poll(() => runtime!.status().state).toBe('ready');
  });

  it('gives up apply after its timeout when nothing answers', async () => {
    server = await startFakeOpenAI();
    const url = server.url;
    await server.close();
    server = null;
    const clock = new ManualClock();
    runtime = new ExternalRuntime({ url, clock, healthIntervalMs: 1_000, applyTimeoutMs: 5_000 });
    const applied = runtime.apply(plan('m'));
    const outcome = applied.catch((e: Error) => e);
    await expect.poll(() => runtime!.status().detail).toContain('connection refused');
    expect(runtime.status().state).toBe('starting');
    clock.advance(5_000);
    const err = await outcome;
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain('did not become ready within 5 s');
  });

  it('reads metrics, and gives nulls when the endpoint has none', async () => {
    server = await startFakeOpenAI({
      metricsText: 'vllm:num_requests_running 4\nvllm:num_requests_waiting 1\n',
    });
    runtime = new ExternalRuntime({ url: server.url, clock: new ManualClock() });
    expect(await runtime.metrics()).toMatchObject({ running: 4, waiting: 1, kvCacheUsage: null });
    server.options.metricsText = undefined;
    expect((await runtime.metrics()).running).toBeNull();
  });
});
