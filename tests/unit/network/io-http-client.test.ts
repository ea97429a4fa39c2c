import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  IoClockSkewError,
  IoInsecureUrlError,
  IoInvalidResponseError,
  IoNotRegisteredError,
  IoRedirectError,
  IoResponseTooLargeError,
  IoRateLimitedError,
  IoRejectedError,
  IoTimeoutError,
  IoUnreachableError,
} from '../../../src-main/core/network/errors.js';
import { IoHttpClient } from '../../../src-main/core/network/io-http-client.js';
import { NonceCache, verifyEnvelope } from '../../../src-main/core/protocol/index.js';
import { testSigner } from '../../helpers/keys.js';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;
const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serve(handler: Handler): Promise<string> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handler(req, body, res));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function json(res: http.ServerResponse, status: number, value: unknown, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

const heartbeatAnswer = {
  status: 'active',
  config_digest: `sha256:${'b'.repeat(64)}`,
  server_time: Date.now(),
};

describe('IoHttpClient', () => {
  it('sends a signed heartbeat envelope and validates the answer', async () => {
    const signer = testSigner();
    let seen: unknown;
    const url = await serve((req, body, res) => {
      seen = verifyEnvelope(JSON.parse(body), {
        nowMs: Date.now(),
        nonces: new NonceCache(60_000),
      });
      expect(req.url).toBe('/v1/nodes/heartbeat');
      json(res, 200, heartbeatAnswer);
    });
    const client = new IoHttpClient({ baseUrl: `${url}/`, signer, clock: Date });
    const answer = await client.heartbeat({ any: 'body' } as never);
    expect(answer.status).toBe('active');
    expect(seen).toMatchObject({
      type: 'heartbeat',
      node_id: signer.address,
      body: { any: 'body' },
    });
  });

  it('maps not_registered, rate limits and other refusals to typed errors', async () => {
    let answer: [number, unknown, Record<string, string>?] = [404, {}];
    const url = await serve((_req, _body, res) => json(res, ...answer));
    const client = new IoHttpClient({ baseUrl: url, signer: testSigner(), clock: Date });

    answer = [404, { error: { code: 'not_registered', message: 'unknown node' } }];
    await expect(client.heartbeat({} as never)).rejects.toBeInstanceOf(IoNotRegisteredError);

    answer = [
      429,
      { error: { code: 'rate_limited', message: 'slow down' } },
      { 'retry-after': '3' },
    ];
    const limited = await client.configDigest().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(IoRateLimitedError);
    expect((limited as IoRateLimitedError).retryAfterMs).toBe(3000);

    answer = [400, { error: { code: 'bad_signature', message: 'nope' } }];
    const refused = await client.heartbeat({} as never).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(IoRejectedError);
    expect((refused as IoRejectedError).wireCode).toBe('bad_signature');

    answer = [502, 'gateway down' as never];
    const bad = await client.time().catch((e: unknown) => e);
    expect((bad as IoRejectedError).wireCode).toBe('http_502');
  });

  it('tells a skewed clock apart: asks /v1/time and names the offset', async () => {
    const serverAhead = 125_000;
    const url = await serve((req, _body, res) => {
      if (req.url === '/v1/time') return json(res, 200, { server_time: Date.now() + serverAhead });
      json(res, 401, { error: { code: 'stale_timestamp', message: 'message too old' } });
    });
    const client = new IoHttpClient({ baseUrl: url, signer: testSigner(), clock: Date });
    const err = (await client.heartbeat({} as never).catch((e: unknown) => e)) as IoClockSkewError;
    expect(err).toBeInstanceOf(IoClockSkewError);
    expect(Math.abs((err.offsetMs ?? 0) + serverAhead)).toBeLessThan(2000);
    expect(err.message).toMatch(/system clock is 12[4-6] s behind; enable automatic time sync/);
  });

  it('rejects answers that do not match the protocol schema', async () => {
    const url = await serve((_req, _body, res) => json(res, 200, { config_digest: 'md5:zzz' }));
    const client = new IoHttpClient({ baseUrl: url, signer: testSigner(), clock: Date });
    const err = await client.configDigest().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IoInvalidResponseError);
    expect((err as Error).message).toContain('/v1/config/digest');
  });

  it('reports an unreachable network and a timeout in plain words', async () => {
    const url = await serve(() => undefined); // never answers
    const slow = new IoHttpClient({
      baseUrl: url,
      signer: testSigner(),
      clock: Date,
      timeoutMs: 150,
    });
    await expect(slow.time()).rejects.toBeInstanceOf(IoTimeoutError);

    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const client = new IoHttpClient({
      baseUrl: `http://127.0.0.1:${port}`,
      signer: testSigner(),
      clock: Date,
    });
    const err = await client.time().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IoUnreachableError);
    expect((err as Error).message).toContain('ECONNREFUSED');
  });

  it('never follows a redirect: a 307 is an error and the signed body goes nowhere else', async () => {
    let elsewhere = 0;
    const other = await serve((_req, _body, res) => {
      elsewhere += 1;
      json(res, 200, heartbeatAnswer);
    });
    for (const status of [301, 302, 307, 308]) {
      const url = await serve((_req, _body, res) => {
        res.writeHead(status, { location: `${other}/v1/nodes/heartbeat` });
        res.end();
      });
      const client = new IoHttpClient({ baseUrl: url, signer: testSigner(), clock: Date });
      const err = await client.heartbeat({ any: 'body' } as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IoRedirectError);
      expect((err as Error).message).toContain(`HTTP ${status}`);
      expect((err as Error).message).toContain(other);
    }
    expect(elsewhere).toBe(0);
  });

  it('refuses an answer over the endpoint cap, announced or streamed, without reading it all', async () => {
    const announced = await serve((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100_000_000 });
      res.write('{');
    });
    const client = new IoHttpClient({ baseUrl: announced, signer: testSigner(), clock: Date });
    await expect(client.time()).rejects.toBeInstanceOf(IoResponseTooLargeError);

    // 100 MB streamed without a length: the client stops at the cap and drops the connection.
    const total = 100 * 1024 * 1024;
    let written = 0;
    const streamed = await serve((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (written < total && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (written = Math.min(written, total)));
      pump();
    });
    const rssBefore = process.memoryUsage().rss;
    const c2 = new IoHttpClient({ baseUrl: streamed, signer: testSigner(), clock: Date });
    const err = await c2.heartbeat({ any: 'body' } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IoResponseTooLargeError);
    expect((err as Error).message).toContain('64 KiB');
    await new Promise((r) => setTimeout(r, 100));
    expect(written).toBeLessThan(total / 4);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('refuses a plain http:// network where https is required (public profiles)', () => {
    expect(
      () =>
        new IoHttpClient({
          baseUrl: 'http://io.testnet.resultity.com',
          signer: testSigner(),
          clock: Date,
          requireHttps: true,
        }),
    ).toThrow(IoInsecureUrlError);
    expect(
      () =>
        new IoHttpClient({
          baseUrl: 'https://io.testnet.resultity.com',
          signer: testSigner(),
          clock: Date,
          requireHttps: true,
        }),
    ).not.toThrow();
  });
});
