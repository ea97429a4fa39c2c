import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small OpenAI-compatible streaming server for runtime-client and job-engine tests. It
 * streams `tokens` words per request, `intervalMs` apart, and records what it saw: concurrent
 * streams, and streams the client closed before the end (a cancel).
 */
export interface FakeOpenAIOptions {
  apiKey?: string;
  models?: string[];
  /** Words streamed per request unless the request's max_tokens is smaller. */
  tokens?: number;
  intervalMs?: number;
  /** Answer every inference request with this HTTP status and body instead of streaming. */
  failWith?: { status: number; body: string } | null;
  /** Health endpoint status (503 = loading). */
  healthStatus?: number;
  metricsText?: string;
  /** Send no usage chunk (older servers). */
  omitUsage?: boolean;
  /** Text of the i-th streamed chunk (default `w<i> `). */
  chunkText?: (i: number) => string;
  /** A runaway runtime: stream `tokens` chunks whatever max_tokens says. */
  ignoreMaxTokens?: boolean;
  /** A stalled runtime: after this many chunks, send nothing more and keep the stream open. */
  stallAfter?: number;
  /** Answer /metrics only after this long. */
  metricsDelayMs?: number;
  /** Listen on this port (default: a free one). */
  port?: number;
  /**
   * Streams send nothing until this many are open at once (a barrier): a test of concurrency
   * then sees them all in flight however slowly a loaded machine opens the connections,
   * instead of racing the first streams' end against the last ones' start.
   */
  holdUntilActive?: number;
}

export interface FakeOpenAIServer {
  url: string;
  options: FakeOpenAIOptions;
  /** Streams currently open. */
  active(): number;
  maxConcurrent(): number;
  requests: Array<{ path: string; body: Record<string, unknown> }>;
  /** Number of streams the client closed before the server finished them. */
  clientClosed(): number;
  /** TCP connections accepted so far, and those still open. */
  connections(): number;
  openConnections(): number;
  waitForActive(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAIServer> {
  let active = 0;
  let maxConcurrent = 0;
  let clientClosed = 0;
  let released = !options.holdUntilActive;
  const requests: FakeOpenAIServer['requests'] = [];
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'Unauthorized' } }));
        return;
      }
      const path = req.url ?? '/';
      if (path === '/health') {
        res.writeHead(options.healthStatus ?? 200).end();
        return;
      }
      if (path === '/version') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ version: '0.11.0-fake' }));
        return;
      }
      if (path === '/v1/models') {
        const data = (options.models ?? ['sim-chat-1b']).map((id) => ({ id, object: 'model' }));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data }));
        return;
      }
      if (path === '/metrics') {
        const answer = () =>
          res.writeHead(200, { 'content-type': 'text/plain' }).end(options.metricsText ?? '');
        if (options.metricsDelayMs) setTimeout(answer, options.metricsDelayMs);
        else answer();
        return;
      }
      if (path !== '/v1/chat/completions' && path !== '/v1/completions') {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      requests.push({ path, body });
      if (options.failWith) {
        res.writeHead(options.failWith.status, { 'content-type': 'application/json' });
        res.end(options.failWith.body);
        return;
      }
      stream(path === '/v1/chat/completions', body, res);
    });
  });

  function stream(isChat: boolean, body: Record<string, unknown>, res: http.ServerResponse) {
    const maxTokens = Number(body.max_tokens ?? 16);
    const planned = options.tokens ?? 8;
    const count = options.ignoreMaxTokens ? planned : Math.min(planned, maxTokens);
    const finish = planned > maxTokens && !options.ignoreMaxTokens ? 'length' : 'stop';
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    active++;
    maxConcurrent = Math.max(maxConcurrent, active);
    if (active >= (options.holdUntilActive ?? 0)) released = true;
    notify();
    let sent = 0;
    let ended = false;
    const done = () => {
      if (ended) return;
      ended = true;
      active--;
      clearInterval(timer);
      notify();
    };
    res.on('close', () => {
      if (!res.writableFinished) clientClosed++;
      done();
    });
    const chunk = (text: string, finishReason: string | null) =>
      isChat
        ? { choices: [{ index: 0, delta: { content: text }, finish_reason: finishReason }] }
        : { choices: [{ index: 0, text, finish_reason: finishReason }] };
    const text = options.chunkText ?? ((i: number) => `w${i} `);
    const timer = setInterval(() => {
      if (!released) return;
      if (options.stallAfter !== undefined && sent >= options.stallAfter) return;
      if (sent < count) {
        const last = sent === count - 1;
        res.write(`data: ${JSON.stringify(chunk(text(sent), last ? finish : null))}\n\n`);
        sent++;
        return;
      }
      if (count === 0) res.write(`data: ${JSON.stringify(chunk('', finish))}\n\n`);
      if (!options.omitUsage) {
        const usage = { prompt_tokens: 7, completion_tokens: count, total_tokens: 7 + count };
        res.write(`data: ${JSON.stringify({ choices: [], usage })}\n\n`);
      }
      res.end('data: [DONE]\n\n');
      done();
    }, options.intervalMs ?? 5);
  }

  let connections = 0;
  let openConnections = 0;
  server.on('connection', (socket) => {
    connections++;
    openConnections++;
    socket.on('close', () => openConnections--);
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    options,
    active: () => active,
    maxConcurrent: () => maxConcurrent,
    requests,
    clientClosed: () => clientClosed,
    connections: () => connections,
    openConnections: () => openConnections,
    waitForActive: (n, timeoutMs = 5_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (active < n) return;
          waiters.delete(check);
          clearTimeout(t);
          resolve();
        };
        const t = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `only ${active} of ${n} streams are active (at most ${maxConcurrent} were at once, ${requests.length} requests arrived)`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
