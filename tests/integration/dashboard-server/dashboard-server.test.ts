import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerFrame } from '../../../src-main/contract/ws-frames.js';
import { systemClock } from '../../../src-main/core/clock.js';
import { silentLogger } from '../../../src-main/core/logger.js';
import {
  startDashboardServer,
  type DashboardServer,
} from '../../../src-main/headless/dashboard-server.js';
import { MemorySettingsStore, UiService } from '../../../src-main/service/index.js';
import { FakeAgent, defaultSettings, fakeHost } from '../../unit/service/fakes.js';

let dir: string;
let agent: FakeAgent;
let service: UiService;
let server: DashboardServer;
let origin: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dashboard-'));
  const staticDir = join(dir, 'renderer');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Resultity Node</title>');
  await writeFile(join(staticDir, 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'outside the static folder');
  agent = new FakeAgent();
  service = await UiService.create({
    agent,
    host: fakeHost(dir),
    settingsStore: new MemorySettingsStore(defaultSettings),
    clock: systemClock,
    logger: silentLogger,
    logBatchMs: 50,
  });
  server = await startDashboardServer({ service, staticDir, port: 0, authTimeoutMs: 300 });
  origin = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  service?.dispose();
  await rm(dir, { recursive: true, force: true });
});

interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(path: string, opts: { method?: string; host?: string } = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        method: opts.method ?? 'GET',
        headers: opts.host ? { host: opts.host } : {},
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Opens a bridge socket and collects every frame it receives. */
function open(headers: Record<string, string> = { origin: '' }) {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/bridge`, {
    headers: { origin: headers.origin || origin, ...(headers.host ? { host: headers.host } : {}) },
    perMessageDeflate: false,
  });
  const frames: ServerFrame[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (d) => {
    frames.push(JSON.parse(String(d)) as ServerFrame);
    waiters.splice(0).forEach((w) => w());
  });
  const closed = new Promise<{ code: number }>((resolve) =>
    ws.on('close', (code) => resolve({ code })),
  );
  const opened = new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', reject);
  });
  const next = async (pred: (f: ServerFrame) => boolean): Promise<ServerFrame> => {
    for (;;) {
      const found = frames.find(pred);
      if (found) return found;
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  return { ws, frames, closed, opened, next };
}

async function authed() {
  const c = open();
  await c.opened;
  c.ws.send(JSON.stringify({ auth: server.token }));
  await c.next((f) => 'ready' in f);
  return c;
}

describe('dashboard HTTP', () => {
  it('binds 127.0.0.1 only and prints the token in the URL fragment', async () => {
    expect(server.url).toBe(`${origin}/#token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(43);
    // 127.0.0.2 is another loopback address: a server bound to 0.0.0.0 would answer there.
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
      const s = connect({ host: '127.0.0.2', port: server.port });
      s.on('connect', () => {
        s.destroy();
        resolve(null);
      });
      s.on('error', (e) => resolve(e));
    });
    expect(err?.code).toBe('ECONNREFUSED');
  });

  it('serves index.html uncached with security headers', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('Resultity Node');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port}`);
    expect(csp).not.toContain('unsafe-eval');
  });

  it('caches hashed assets and refuses paths outside the folder, other methods and hosts', async () => {
    const asset = await get('/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await get('/../secret.txt')).status).toBe(404);
    expect((await get('/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get('/assets/%2e%2e/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get('/nope.js')).status).toBe(404);
    expect((await get('/', { method: 'POST' })).status).toBe(405);
    const rebinding = await get('/', { host: `evil.example:${server.port}` });
    expect(rebinding.status).toBe(421);
    expect(rebinding.body).not.toContain('Resultity Node</title>');
  });
});

describe('dashboard WebSocket bridge', () => {
  it('refuses a foreign Origin and a missing Origin before the upgrade', async () => {
    for (const bad of ['http://evil.example', `http://127.0.0.1:${server.port + 1}`]) {
      const c = open({ origin: bad });
      await expect(c.opened).rejects.toThrow(/403/);
    }
    const noOrigin = new WebSocket(`ws://127.0.0.1:${server.port}/bridge`);
    await expect(
      new Promise((resolve, reject) => {
        noOrigin.on('open', resolve);
        noOrigin.on('error', reject);
      }),
    ).rejects.toThrow(/403/);
  });

  it('closes with 4401 on a wrong token or a command before the token', async () => {
    const wrong = open();
    await wrong.opened;
    wrong.ws.send(JSON.stringify({ auth: `${server.token.slice(0, -1)}x` }));
    expect((await wrong.closed).code).toBe(4401);

    const early = open();
    await early.opened;
    early.ws.send(JSON.stringify({ id: 1, command: 'getSnapshot' }));
    expect((await early.closed).code).toBe(4401);
    expect(early.frames).toEqual([]);
  });

  it('closes with 4408 when no token arrives in time', async () => {
    const silent = open();
    await silent.opened;
    expect((await silent.closed).code).toBe(4408);
  });

  it('idle sockets never lock the dashboard out: not counted, closed within the auth timeout', async () => {
    const idle = Array.from({ length: 40 }, () => open());
    await Promise.all(idle.map((c) => c.opened.catch(() => undefined)));
    // More idle sockets than the client limit (16) and the waiting limit (32): a real
    // dashboard still gets in at once.
    const c = await authed();
    c.ws.send(JSON.stringify({ id: 1, command: 'getSnapshot' }));
    await c.next((f) => 'id' in f && f.id === 1);
    const codes = await Promise.all(idle.map((i) => i.closed));
    expect(codes.every((x) => x.code === 4408)).toBe(true);
    c.ws.close();
  });

  it('limits authenticated dashboards only, closing the extra one with 4429', async () => {
    const small = await startDashboardServer({
      service,
      staticDir: join(dir, 'renderer'),
      port: 0,
      maxClients: 2,
    });
    const url = `ws://127.0.0.1:${small.port}/bridge`;
    const origin2 = `http://127.0.0.1:${small.port}`;
    const connect = async (auth = true) => {
      const ws = new WebSocket(url, { headers: { origin: origin2 }, perMessageDeflate: false });
      const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
      const first = new Promise<string>((r) => ws.once('message', (d) => r(String(d))));
      const refused = new Promise<string>((r) =>
        ws.once('unexpected-response', (_q, res) => r(String(res.statusCode))),
      );
      await Promise.race([new Promise<void>((r) => ws.on('open', () => r())), refused]);
      const login = () => ws.send(JSON.stringify({ auth: small.token }));
      if (auth) login();
      return { ws, closed, first, refused, login };
    };
    try {
      // Three sockets open while none is authenticated: all are let in to present a token.
      const [a, b, c] = [await connect(false), await connect(false), await connect(false)];
      for (const x of [a, b, c]) x.login();
      expect(await a.first).toContain('ready');
      expect(await b.first).toContain('ready');
      expect(await c.closed).toBe(4429);
      // At the limit, a new socket is refused at the upgrade; after one closes, it gets in.
      const d = new WebSocket(url, { headers: { origin: origin2 }, perMessageDeflate: false });
      const status = await new Promise<number>((r) =>
        d.once('unexpected-response', (_q, res) => r(res.statusCode ?? 0)),
      );
      expect(status).toBe(503);
      a.ws.close();
      await a.closed;
      const again = await connect();
      expect(await again.first).toContain('ready');
      again.ws.close();
      b.ws.close();
    } finally {
      await small.close();
    }
  });

  it('runs commands and returns results and errors as values', async () => {
    const c = await authed();
    c.ws.send(JSON.stringify({ id: 7, command: 'getSnapshot' }));
    const reply = (await c.next((f) => 'id' in f && f.id === 7)) as { result: { host: string } };
    expect(reply.result.host).toBe('headless');

    c.ws.send(JSON.stringify({ id: 8, command: 'bindWallet', arg: { message: 'x' } }));
    const bad = await c.next((f) => 'id' in f && f.id === 8);
    expect(bad).toMatchObject({ id: 8, error: { name: 'InvalidCommandError' } });

    c.ws.send(JSON.stringify({ id: 9, command: 'formatDisk' }));
    expect(await c.next((f) => 'id' in f && f.id === 9)).toMatchObject({
      error: { name: 'InvalidCommandError', message: 'Unknown command "formatDisk".' },
    });
    c.ws.close();
  });

  it('pushes events to authenticated clients, log lines batched', async () => {
    const c = await authed();
    agent.setState({ state: 'active', reason: 'Serving jobs.' });
    const state = await c.next((f) => 'event' in f && f.event === 'state');
    expect(state).toMatchObject({ payload: { state: 'active' } });
    for (let i = 0; i < 100; i++) {
      agent.logEv.emit({ ts: Date.now(), level: 'info', source: 'agent', message: `l${i}` });
    }
    const logs = (await c.next((f) => 'event' in f && f.event === 'logs')) as {
      payload: { message: string }[];
    };
    expect(logs.payload).toHaveLength(100);
    expect(c.frames.filter((f) => 'event' in f && f.event === 'logs')).toHaveLength(1);
    c.ws.close();
  });

  it('closes on a malformed frame (4400) and on an oversized one (1009)', async () => {
    const c = await authed();
    c.ws.send('{ not json');
    expect((await c.closed).code).toBe(4400);
    const big = await authed();
    big.ws.send(JSON.stringify({ id: 1, command: 'getSnapshot', arg: 'x'.repeat(100_000) }));
    expect((await big.closed).code).toBe(1009);
  });
});
