import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src-main/core/clock.js';
import { ExternalRuntime } from '../../../src-main/core/runtime/external-runtime.js';
import { OpenAIClient } from '../../../src-main/core/runtime/openai-client.js';
import {
  RuntimeError,
  type InferenceRequest,
  type RuntimePlan,
} from '../../../src-main/core/runtime/runtime.js';
import { startFakeOpenAI, type FakeOpenAIServer } from '../../helpers/fake-openai-server.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const plan: RuntimePlan = {
  model: { name: 'org/sim-chat-1b', servedName: 'sim-chat-1b', revision: 'r1', maxModelLen: 4096 },
  image: null,
  maxNumSeqs: 64,
  gpuMemoryHeadroomMb: 0,
};

function request(overrides: Partial<InferenceRequest> = {}): InferenceRequest {
  return {
    jobId: 'j1',
    model: 'sim-chat-1b',
    kind: 'chat',
    messages: [{ role: 'user', content: 'hello' }],
    maxTokens: 5,
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function faultOf(p: Promise<unknown>): Promise<RuntimeError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RuntimeError);
  return err as RuntimeError;
}

let server: FakeOpenAIServer | null = null;
let runtime: ExternalRuntime | null = null;
afterEach(async () => {
  await runtime?.stop();
  await server?.close();
  runtime = null;
  server = null;
});

describe('runaway, stalled and refused streams', () => {
  it('stops reading at max_tokens when the runtime runs away, and closes the stream', async () => {
    server = await startFakeOpenAI({ tokens: 100_000, intervalMs: 1, ignoreMaxTokens: true });
    const client = new OpenAIClient({ baseUrl: server.url });
    const deltas: string[] = [];
    const err = await faultOf(client.stream(request({ onDelta: (d) => deltas.push(d) })));
    expect(err.fault).toBe('runaway');
    expect(err.message).toContain('past max_tokens (5)');
    // Only what the job asked for was read on: five chunks, not one more.
    expect(deltas).toEqual(['w0 ', 'w1 ', 'w2 ', 'w3 ', 'w4 ']);
    await expect.poll(() => server!.clientClosed()).toBe(1);
  });

  it('refuses an answer whose usage claims more tokens than max_tokens', async () => {
    const raw = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = { choices: [{ index: 0, delta: { content: 'a' }, finish_reason: 'length' }] };
      const usage = { choices: [], usage: { prompt_tokens: 3, completion_tokens: 9 } };
      res.end(
        `data: ${JSON.stringify(chunk)}\n\ndata: ${JSON.stringify(usage)}\n\ndata: [DONE]\n\n`,
      );
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = raw.address() as AddressInfo;
      const client = new OpenAIClient({ baseUrl: `http://127.0.0.1:${port}` });
      const err = await faultOf(client.stream(request({ maxTokens: 2 })));
      expect(err.fault).toBe('runaway');
      expect(err.message).toContain('9 completion tokens for max_tokens 2');
    } finally {
      raw.closeAllConnections();
      await new Promise((resolve) => raw.close(resolve));
    }
  });

  it('fails a stream that goes silent mid-answer as stalled', async () => {
    server = await startFakeOpenAI({ tokens: 50, stallAfter: 2, intervalMs: 2 });
    const client = new OpenAIClient({
      baseUrl: server.url,
      clock: systemClock,
      stallTimeoutMs: 300,
    });
    const started = Date.now();
    const err = await faultOf(client.stream(request({ maxTokens: 50 })));
    expect(err.fault).toBe('stalled');
    expect(err.message).toContain('sent nothing');
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect.poll(() => server!.clientClosed()).toBe(1);
  });

  it('watches for a stall only after the first token, on the injected clock', async () => {
    server = await startFakeOpenAI({ tokens: 50, stallAfter: 0, intervalMs: 2 });
    const clock = new ManualClock();
    const client = new OpenAIClient({ baseUrl: server.url, clock, stallTimeoutMs: 1_000 });
    const ac = new AbortController();
    let settled = false;
    const pending = client.stream(request({ maxTokens: 50, signal: ac.signal }));
    void pending.finally(() => (settled = true)).catch(() => undefined);
    await server.waitForActive(1);
    await new Promise((r) => setTimeout(r, 20)); // let the response head reach the client
    // Waiting in the runtime's queue before the first token is not a stall: no timer is set.
    clock.advance(60_000);
    await new Promise((r) => setImmediate(r));
    expect(clock.pending).toBe(0);
    expect(settled).toBe(false);
    ac.abort();
    expect((await faultOf(pending)).code).toBe('cancelled');
  });

  it('fails as stalled exactly when the silence after a token reaches the timeout', async () => {
    server = await startFakeOpenAI({ tokens: 50, stallAfter: 2, intervalMs: 2 });
    const clock = new ManualClock();
    const client = new OpenAIClient({ baseUrl: server.url, clock, stallTimeoutMs: 1_000 });
    const deltas: string[] = [];
    let settled = false;
    const pending = client.stream(request({ maxTokens: 50, onDelta: (d) => deltas.push(d) }));
    void pending.finally(() => (settled = true)).catch(() => undefined);
    await expect.poll(() => deltas.length).toBe(2);
    expect(clock.pending).toBe(1);
    await clock.advanceAsync(999);
    expect(settled).toBe(false);
    await clock.advanceAsync(1);
    const err = await faultOf(pending);
    expect(err.fault).toBe('stalled');
    expect(err.message).toContain('sent nothing for 1 s');
    await expect.poll(() => server!.clientClosed()).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('marks the runtime unhealthy on the first refused connection, ready again once it answers', async () => {
    server = await startFakeOpenAI({ tokens: 2 });
    const clock = new ManualClock();
    runtime = new ExternalRuntime({ url: server.url, clock, healthIntervalMs: 1_000 });
    await runtime.apply(plan);
    const port = Number(new URL(server.url).port);
    await server.close();
    server = null;
    // A pooled keep-alive socket may fail first ("other side closed"); the next is refused.
    let err = await faultOf(runtime.infer(request()));
    if (err.fault === null) {
      expect(runtime.status().state).toBe('ready');
      err = await faultOf(runtime.infer(request()));
    }
    expect(err.message).toContain('connection refused');
    expect(err.fault).toBe('refused');
    expect(runtime.status()).toMatchObject({ state: 'unhealthy' });
    expect(runtime.status().detail).toContain('connection refused');
    server = await startFakeOpenAI({ tokens: 2, port });
    clock.advance(1_000);
    await expect.poll(() => runtime!.status().state).toBe('ready');
  });

  it('holds the runtime unhealthy after three runaway streams in a row, whatever /health says', async () => {
    server = await startFakeOpenAI({ tokens: 1_000, intervalMs: 1, ignoreMaxTokens: true });
    const clock = new ManualClock();
    runtime = new ExternalRuntime({
      url: server.url,
      clock,
      healthIntervalMs: 1_000,
      streamFaultHoldMs: 10_000,
    });
    await runtime.apply(plan);
    for (let i = 0; i < 2; i++) await faultOf(runtime.infer(request()));
    expect(runtime.status().state).toBe('ready');
    await faultOf(runtime.infer(request()));
    expect(runtime.status().state).toBe('unhealthy');
    expect(runtime.status().detail).toMatch(/last 3 answers ran past max_tokens or stalled/);
    clock.advance(1_000); // a health check while held: /health answers, the hold wins
    await runtime.check();
    expect(runtime.status().state).toBe('unhealthy');
    await expect
      .poll(async () => {
        clock.advance(1_000);
        await runtime!.check();
        return runtime!.status().state;
      })
      .toBe('ready');
  });
});
