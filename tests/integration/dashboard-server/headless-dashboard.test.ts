import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { systemClock } from '../../../src-main/core/clock.js';
import { createLogger } from '../../../src-main/core/logger.js';
import { ensureDataDirs, resolveDataDirs } from '../../../src-main/core/store/data-dirs.js';
import {
  findRendererDir,
  startHeadlessDashboard,
  type HeadlessDashboard,
} from '../../../src-main/headless/dashboard/start-headless-dashboard.js';
import { LogHub } from '../../../src-main/service/log-hub.js';
import { FakeRun } from '../../unit/service/fake-run.js';

let root: string;
let run: FakeRun;
let logs: LogHub;
let dash: HeadlessDashboard;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'headless-dash-'));
  const staticDir = join(root, 'renderer');
  await mkdir(staticDir);
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Resultity Node</title>');
  const dirs = resolveDataDirs(join(root, 'data'), 'local');
  await ensureDataDirs(dirs);
  run = new FakeRun();
  await run.agent.start();
  logs = new LogHub();
  // Logged by the CLI before any dashboard exists: the page must still show it.
  createLogger([logs.sink], { source: 'headless' }).info('Created node key 0xNODE.');
  dash = await startHeadlessDashboard({
    run,
    dirs,
    protection: { kind: 'passphrase-file', protection: 'file', source: 'the passphrase file' },
    logs,
    logger: createLogger([logs.sink]),
    clock: systemClock,
    appVersion: '0.1.0-test',
    staticDir,
  });
});

afterAll(async () => {
  await dash?.close();
  await rm(root, { recursive: true, force: true });
});

/** A tiny client speaking the bridge frames. */
async function client() {
  const ws = new WebSocket(`ws://127.0.0.1:${dash.port}/bridge`, {
    headers: { origin: `http://127.0.0.1:${dash.port}` },
  });
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(String(d))));
  await new Promise((r, j) => ws.on('open', r).on('error', j));
  ws.send(JSON.stringify({ auth: dash.token }));
  let id = 0;
  const until = async (pred: (f: Record<string, unknown>) => boolean) => {
    for (let i = 0; i < 200; i++) {
      const f = frames.find(pred);
      if (f) return f;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('no such frame');
  };
  const call = async (command: string, arg?: unknown) => {
    const n = ++id;
    ws.send(JSON.stringify({ id: n, command, arg }));
    return until((f) => f.id === n);
  };
  return { ws, frames, call, until };
}

describe('startHeadlessDashboard', () => {
  it('prints a 127.0.0.1 URL with the token in the fragment', () => {
    expect(dash.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43}$/);
  });

  it('shows the running node, its logs, and stops it from the dashboard', async () => {
    const c = await client();
    const snap = (await c.call('getSnapshot')) as { result: Record<string, unknown> };
    expect(snap.result.node).toMatchObject({
      state: 'registering',
      nodeId: '0xNODE',
      network: 'local',
    });
    expect(snap.result.settings).toMatchObject({ network: 'local', dataDir: join(root, 'data') });
    expect(snap.result.host).toBe('headless');
    const early = snap.result.logs as { message: string; source: string }[];
    expect(early).toContainEqual(
      expect.objectContaining({ source: 'headless', message: 'Created node key 0xNODE.' }),
    );
    // No GPU source passed: "no information", not a verdict on the machine.
    expect(snap.result.gpu).toMatchObject({ available: false, probe: 'unknown' });

    createLogger([logs.sink], { source: 'agent' }).info('registered');
    const batch = (await c.until((f) => f.event === 'logs')) as { payload: { message: string }[] };
    expect(batch.payload.map((l) => l.message)).toContain('registered');

    const stopped = (await c.call('stop')) as { result: { state: string } };
    expect(stopped.result.state).toBe('stopped');
    expect(run.closed[0]).toBe('stopped by the operator');
    const again = (await c.call('start')) as { error: { message: string } };
    expect(again.error.message).toMatch(/Start it again from its terminal/);

    const setNetwork = (await c.call('updateSettings', { network: 'mainnet' })) as {
      error: { name: string; message: string };
    };
    expect(setNetwork.error).toMatchObject({ name: 'InvalidCommandError' });
    expect(setNetwork.error.message).toMatch(/network cannot be changed here.*--profile/);
    const theme = (await c.call('updateSettings', { theme: 'dark', network: 'local' })) as {
      result: { theme: string; network: string };
    };
    expect(theme.result).toMatchObject({ theme: 'dark', network: 'local' });
    c.ws.close();
  });

  it('finds the built renderer next to the bundle or in the checkout', () => {
    expect(findRendererDir()).toMatch(/dist[/\\]renderer$/);
  });
});
