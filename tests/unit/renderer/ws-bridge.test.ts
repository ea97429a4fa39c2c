// The renderer's WebSocket bridge against a real ws server on a real socket, speaking the
// contract's frames: auth, ready, commands, rebuilt errors, events, reconnects.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { BridgeError } from '../../../src-main/contract/errors.js';
import { WS_CLOSE } from '../../../src-main/contract/ws-frames.js';
import type { ConnectionStatus } from '../../../src-renderer/src/bridge/connection-status.js';
import { WsBridge } from '../../../src-renderer/src/bridge/ws-bridge.js';

const TOKEN = 'secret-token';
const servers: WebSocketServer[] = [];
const bridges: WsBridge[] = [];

afterEach(async () => {
  for (const b of bridges.splice(0)) b.close();
  for (const s of servers.splice(0)) {
    for (const c of s.clients) c.terminate();
    await new Promise((r) => s.close(r));
  }
});

async function server(
  onCommand: (frame: { id: number; command: string; arg?: unknown }, ws: ServerSocket) => void,
) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(wss);
  await new Promise((r) => wss.once('listening', r));
  const frames: unknown[] = [];
  wss.on('connection', (ws) => {
    let authed = false;
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data));
      frames.push(frame);
      if (!authed) {
        if (frame.auth !== TOKEN) return ws.close(WS_CLOSE.unauthorized, 'unauthorized');
        authed = true;
        return ws.send(JSON.stringify({ ready: true, host: 'headless' }));
      }
      onCommand(frame, ws);
    });
  });
  return { wss, frames, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/bridge` };
}

function bridge(url: string, token = TOKEN) {
  const b = new WsBridge({ url, token, random: () => 0.5 });
  bridges.push(b);
  const statuses: ConnectionStatus['kind'][] = [];
  b.onStatus((s) => statuses.push(s.kind));
  return { b: b.connect(), statuses };
}

const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('WsBridge', () => {
  it('authenticates first, then runs commands and rebuilds errors as real Errors', async () => {
    const srv = await server((f, ws) => {
      if (f.command === 'start')
        ws.send(JSON.stringify({ id: f.id, result: { state: 'registering' } }));
      else
        ws.send(
          JSON.stringify({
            id: f.id,
            error: { name: 'InvalidSettingError', message: 'Use 64 or fewer.', code: 'E_RANGE' },
          }),
        );
    });
    const { b, statuses } = bridge(srv.url);
    await until(() => b.status.kind === 'connected');
    expect(srv.frames[0]).toEqual({ auth: TOKEN });
    await expect(b.invoke('start', undefined)).resolves.toEqual({ state: 'registering' });
    expect(srv.frames[1]).toEqual({ id: 1, command: 'start' });
    const err = await b
      .invoke('updateSettings', { maxConcurrentJobs: 99 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BridgeError);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({
      name: 'InvalidSettingError',
      message: 'Use 64 or fewer.',
      code: 'E_RANGE',
    });
    expect(srv.frames[2]).toEqual({
      id: 2,
      command: 'updateSettings',
      arg: { maxConcurrentJobs: 99 },
    });
    expect(statuses).toEqual(['connected']);
  });

  it('delivers pushed events to their listeners until unsubscribed', async () => {
    const srv = await server(() => undefined);
    const { b } = bridge(srv.url);
    await until(() => b.status.kind === 'connected');
    const got: number[] = [];
    const off = b.on('stats', (s) => got.push(s.jobsDone));
    const push = (n: number) => {
      for (const c of srv.wss.clients)
        c.send(JSON.stringify({ event: 'stats', payload: { jobsDone: n } }));
    };
    push(1);
    await until(() => got.length === 1);
    off();
    push(2);
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual([1]);
  });

  it('rejects commands while disconnected with a plain message', async () => {
    const b = new WsBridge({ url: 'ws://127.0.0.1:9/bridge', token: TOKEN });
    const err = await b.invoke('getSnapshot', undefined).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'NotConnected' });
    expect((err as Error).message).toMatch(/Can't reach the node service/);
  });

  it('reconnects with backoff after the server drops it, failing the commands in flight', async () => {
    const srv = await server(() => undefined); // never answers
    const { b, statuses } = bridge(srv.url);
    await until(() => b.status.kind === 'connected');
    const pending = b.invoke('getSnapshot', undefined).catch((e: unknown) => e);
    await until(() => srv.frames.length === 2);
    for (const c of srv.wss.clients) c.close(WS_CLOSE.goingAway, 'server stopping');
    expect(await pending).toMatchObject({ name: 'NotConnected' });
    await until(() => statuses.includes('reconnecting'));
    await until(() => statuses.filter((s) => s === 'connected').length === 2);
    expect(statuses).toEqual(['connected', 'reconnecting', 'connected']);
    expect(srv.frames.filter((f) => (f as { auth?: string }).auth === TOKEN)).toHaveLength(2);
  });

  it('stops retrying when the token is refused and says what to do', async () => {
    const srv = await server(() => undefined);
    const { b } = bridge(srv.url, 'wrong');
    await until(() => b.status.kind === 'unauthorized');
    const status = b.status as Extract<ConnectionStatus, { kind: 'unauthorized' }>;
    expect(status.reason).toMatch(/Open the dashboard link printed by the node again/);
    await new Promise((r) => setTimeout(r, 700));
    expect(srv.frames).toHaveLength(1);
  });
});
