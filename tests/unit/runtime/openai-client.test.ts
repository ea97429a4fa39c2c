import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
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
    // The connection itself is gone (vLLM aborts the sequence when it closes), not pooled.
    await expect.poll(() => server!.openConnections()).toBe(0);
  });

  it('aborts before the answer begins without sending anything more', async () => {
    server = await startFakeOpenAI({ tokens: 4 });
    const ac = new AbortController();
    ac.abort();
    const err = await errorOf(
      new OpenAIClient({ baseUrl: server.url }).stream(chat({ signal: ac.signal })),
    );
    expect(err.code).toBe('cancelled');
    expect(server.requests).toHaveLength(0);
  });

  it('streams one job after another over one kept-alive connection', async () => {
    server = await startFakeOpenAI({ tokens: 3, intervalMs: 1 });
    const client = new OpenAIClient({ baseUrl: server.url });
    // The server ends each response in the write that carries [DONE], so the socket is back
    // in the pool before the next stream asks for one.
    for (let i = 0; i < 3; i++)
      expect((await client.stream(chat({ jobId: `s${i}` }))).text).toBe('w0 w1 w2 ');
    expect(server.connections()).toBe(1);
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

  it('runs 96 streams at the same time over one keep-alive agent', async () => {
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

describe('OpenAIClient.getText', () => {
  it('reuses one connection for health checks and metrics reads', async () => {
    server = await startFakeOpenAI({ metricsText: 'vllm:num_requests_running 2\n' });
    const client = new OpenAIClient({ baseUrl: server.url });
    expect(await client.getText('/health')).toBe('');
    expect(await client.getJson('/v1/models')).toMatchObject({ data: [{ id: 'sim-chat-1b' }] });
    for (let i = 0; i < 3; i++)
      expect(await client.getText('/metrics')).toBe('vllm:num_requests_running 2\n');
    expect(server.connections()).toBe(1);
  });

  it('maps an HTTP error answer and keeps the runtime message', async () => {
    server = await startFakeOpenAI({ healthStatus: 503 });
    const err = await errorOf(new OpenAIClient({ baseUrl: server.url }).getText('/health'));
    expect(err.code).toBe('unavailable');
    expect(err.message).toContain('HTTP 503');
  });

  it('gives up on an answer that takes longer than its timeout', async () => {
    server = await startFakeOpenAI({ metricsDelayMs: 10_000 });
    const err = await errorOf(new OpenAIClient({ baseUrl: server.url }).getText('/metrics', 50));
    expect(err.code).toBe('timeout');
    expect(err.message).toBe(`The runtime at ${server.url}/metrics did not answer within 50 ms.`);
  });

  it('sends a request again on a fresh connection when a reused one was closed under it', async () => {
    // The race a keep-alive client must survive: the server drops an idle connection just as
    // the next request goes out on it. The request never reached the server, so it is resent.
    const seen = new Map<Socket, number>();
    let connections = 0;
    const raw = http.createServer((req, res) => {
      const n = (seen.get(req.socket) ?? 0) + 1;
      seen.set(req.socket, n);
      if (n > 1) return void req.socket.destroy();
      res.end('ok');
    });
    raw.on('connection', () => connections++);
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = raw.address() as AddressInfo;
      const client = new OpenAIClient({ baseUrl: `http://127.0.0.1:${port}` });
      expect(await client.getText('/health')).toBe('ok');
      expect(await client.getText('/health')).toBe('ok');
      expect(connections).toBe(2);
    } finally {
      raw.closeAllConnections();
      await new Promise((resolve) => raw.close(resolve));
    }
  });

  it('speaks TLS to an https:// runtime', async () => {
    // A plain-HTTP server cannot answer a TLS handshake: the failure proves node:https was used.
    server = await startFakeOpenAI();
    const tls = server.url.replace('http://', 'https://');
    const err = await errorOf(new OpenAIClient({ baseUrl: tls }).getText('/health'));
    expect(err.code).toBe('unavailable');
    expect(err.message).toContain(`The connection to the runtime at ${tls}/health failed`);
    expect(err.message).toMatch(/EPROTO|SSL|TLS/i);
  });

  it('refuses a runtime address that is not http(s) with a plain message', async () => {
    const err = await errorOf(
      new OpenAIClient({ baseUrl: 'ftp://127.0.0.1:8000' }).getText('/health'),
    );
    expect(err.code).toBe('failed');
    expect(err.message).toContain('is not an http:// or https:// URL');
  });
});
