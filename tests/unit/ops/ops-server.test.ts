import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { silentLogger } from '../../../src-main/core/logger.js';
import {
  checkOpsConfig,
  startOpsServer,
  type OpsServer,
} from '../../../src-main/service/ops/ops-server.js';

const TOKEN = 'a-long-enough-ops-token';
let state = 'active';
const handlers = {
  ready: () => ({ ready: state === 'active', state }),
  metrics: async () => ({ contentType: 'text/plain; version=0.0.4', body: 'x 1\n' }),
};
const open: OpsServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  state = 'active';
});

async function start(token: string | null = null): Promise<OpsServer> {
  const s = await startOpsServer({ bind: '127.0.0.1', port: 0, token }, handlers, silentLogger);
  if (!s) throw new Error('not started');
  open.push(s);
  return s;
}

describe('ops server', () => {
  it('answers live always and ready only while active', async () => {
    const s = await start();
    expect(await (await fetch(`${s.url}/livez`)).json()).toEqual({ live: true });
    expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
    state = 'draining';
    const res = await fetch(`${s.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ready: false, state: 'draining' });
    expect((await fetch(`${s.url}/other`)).status).toBe(404);
    expect((await fetch(`${s.url}/livez`, { method: 'POST' })).status).toBe(405);
  });

  it('serves metrics without a token on loopback, and only with it when set', async () => {
    const free = await start();
    expect(await (await fetch(`${free.url}/metrics`)).text()).toBe('x 1\n');
    const guarded = await start(TOKEN);
    expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
    const bad = await fetch(`${guarded.url}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}x` },
    });
    expect(bad.status).toBe(401);
    const ok = await fetch(`${guarded.url}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(ok.status).toBe(200);
    expect((await fetch(`${guarded.url}/readyz`)).status).toBe(200);
  });

  it('refuses a reachable bind without a token, and a short token', () => {
    expect(() => checkOpsConfig({ bind: '0.0.0.0', port: 0 })).toThrow(/without a token/);
    expect(() => checkOpsConfig({ bind: '0.0.0.0', port: 0, token: 'short' })).toThrow(
      /at least 16/,
    );
    expect(() => checkOpsConfig({ bind: '0.0.0.0', port: 0, token: TOKEN })).not.toThrow();
    expect(() => checkOpsConfig({ bind: '::1', port: 0 })).not.toThrow();
  });

  it('a taken default port is a warning (null), a chosen one an error', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const c = { bind: '127.0.0.1', port };
      expect(await startOpsServer({ ...c, portIsDefault: true }, handlers, silentLogger)).toBe(
        null,
      );
      await expect(startOpsServer(c, handlers, silentLogger)).rejects.toThrow(/cannot listen/);
    } finally {
      blocker.close();
    }
  });
});
