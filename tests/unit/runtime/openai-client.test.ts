import { afterEach, describe, expect, it } from 'vitest';
import { OpenAIClient } from '../../../src-main/core/runtime/openai-client.js';
import { RuntimeError, type InferenceRequest } from '../../../src-main/core/runtime/runtime.js';
import { startFakeOpenAI, type FakeOpenAIServer } from '../../helpers/fake-openai-server.js';

let server: FakeOpenAIServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

function chat(overrides: Partial<InferenceRequest> = {}): InferenceRequest {
  return {
    jobId: 'j1',
    model: 'sim-chat-1b',
    kind: 'chat',
    messages: [{ role: 'user', content: 'hello' }],
    maxTokens: 16,
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function errorOf(p: Promise<unknown>): Promise<RuntimeError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RuntimeError);
  return err as RuntimeError;
}

describe('OpenAIClient.stream', () => {
  it('streams a chat answer with usage, deltas, finish reason and the Bearer key', async () => {
    server = await startFakeOpenAI({ apiKey: 'k-1', tokens: 4 });
    const client = new OpenAIClient({ baseUrl: server.url, apiKey: 'k-1' });
    const deltas: string[] = [];
    const result = await client.stream(
      chat({ onDelta: (d) => deltas.push(d), temperature: 0, seed: 3 }),
    );
    expect(result.text).toBe('w0 w1 w2 w3 ');
    expect(deltas).toEqual(['w0 ', 'w1 ', 'w2 ', 'w3 ']);
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toEqual({ prompt_tokens: 7, completion_tokens: 4 });
    expect(result.firstTokenAt).not.toBeNull();
    expect(result.finishedAt).toBeGreaterThanOrEqual(result.startedAt);
    const sent = server.requests[0]?.body;
    expect(sent).toMatchObject({
      model: 'sim-chat-1b',
      max_tokens: 16,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0,
      seed: 3,
    });
  });

  it('streams a completion and reports length when max_tokens cuts it', async () => {
    server = await startFakeOpenAI({ tokens: 10 });
    const client = new OpenAIClient({ baseUrl: server.url });
    const result = await client.stream(
      chat({ kind: 'completion', prompt: 'Once', messages: undefined, maxTokens: 3 }),
    );
    expect(server.requests[0]?.path).toBe('/v1/completions');
    expect(server.requests[0]?.body.prompt).toBe('Once');
    expect(result.text).toBe('w0 w1 w2 ');
    expect(result.finishReason).toBe('length');
  });

  it('counts chunks as tokens when the server sends no usage', async () => {
    server = await startFakeOpenAI({ tokens: 5, omitUsage: true });
    const result = await new OpenAIClient({ baseUrl: server.url }).stream(chat());
    expect(result.usage).toEqual({ prompt_tokens: 0, completion_tokens: 5 });
  });

  it('closes the stream on abort, so the runtime sees the connection go', async () => {
    server = await startFakeOpenAI({ tokens: 1000, intervalMs: 10 });
    const client = new OpenAIClient({ baseUrl: server.url });
    const ac = new AbortController();
    const pending = client.stream(chat({ signal: ac.signal, maxTokens: 1000 }));
    await server.waitForActive(1);
    ac.abort();
    const err = await errorOf(pending);
    expect(err.code).toBe('cancelled');
    await expect.poll(() => server!.clientClosed()).toBe(1);
    expect(server.active()).toBe(0);
  });

  it('maps HTTP errors to RuntimeError codes with the runtime message', async () => {
    const cases: Array<[number, string]> = [
      [400, 'bad_request'],
      [404, 'bad_request'],
      [401, 'failed'],
      [503, 'unavailable'],
      [500, 'failed'],
    ];
    server = await startFakeOpenAI();
    const client = new OpenAIClient({ baseUrl: server.url });
    for (const [status, code] of cases) {
      server.options.failWith = {
        status,
        body: JSON.stringify({ error: { message: `boom ${status}` } }),
      };
      const err = await errorOf(client.stream(chat()));
      expect(err.code, `HTTP ${status}`).toBe(code);
      expect(err.message).toContain(`HTTP ${status}`);
    }
    server.options.failWith = { status: 400, body: '{"error":{"message":"prompt too long"}}' };
    expect((await errorOf(client.stream(chat()))).message).toContain('prompt too long');
  });

  it('reports a refused connection as unavailable', async () => {
    server = await startFakeOpenAI();
    const url = server.url;
    await server.close();
    server = null;
    const err = await errorOf(new OpenAIClient({ baseUrl: url }).stream(chat()));
    expect(err.code).toBe('unavailable');
    expect(err.message).toContain('connection refused');
  });

  it('runs 96 streams at the same time over the default fetch pool', async () => {
    // The streams start only once all 96 are open: on a loaded machine the first would
    // otherwise end (20 tokens × 20 ms) before the last had connected.
    server = await startFakeOpenAI({ tokens: 20, intervalMs: 20, holdUntilActive: 96 });
    const client = new OpenAIClient({ baseUrl: server.url });
    const all = Array.from({ length: 96 }, (_, i) =>
      client.stream(chat({ jobId: `c${i}`, maxTokens: 32 })),
    );
    await server.waitForActive(96);
    const results = await Promise.all(all);
    expect(results.every((r) => r.usage.completion_tokens === 20)).toBe(true);
    expect(server.maxConcurrent()).toBe(96);
  });
});
