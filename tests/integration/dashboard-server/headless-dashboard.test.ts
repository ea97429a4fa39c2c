// The headless node's dashboard as `npm start` composes it (runHeadless → node kit → UI
// service → dashboard server), against the in-process devnet with the simulated runtime.
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../src-main/core/logger.js';
import { findRendererDir } from '../../../src-main/headless/dashboard/start-headless-dashboard.js';
import { HeadlessConfig } from '../../../src-main/headless/options.js';
import type { HeadlessNode } from '../../../src-main/headless/run-headless.js';
import { bridgeClient, runHeadlessWithDashboard } from './headless-bridge.js';

let root: string;
let node: HeadlessNode;
let dash: { url: string; port: number; token: string };
const reported: LogEntry[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'headless-dash-'));
  const staticDir = join(root, 'renderer');
  await mkdir(staticDir);
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Resultity Node</title>');
  // A damaged dashboard settings file: reset to defaults, and said so (not silently).
  const settingsDir = join(root, 'data', 'local', 'settings');
  await mkdir(settingsDir, { recursive: true });
  await writeFile(join(settingsDir, 'dashboard-settings.json'), '{ not json');
  const cfg = HeadlessConfig.parse({ dataDir: join(root, 'data'), dashboardDir: staticDir });
  ({ node, dash } = await runHeadlessWithDashboard(cfg, (e) => reported.push(e)));
}, 60_000);

afterAll(async () => {
  await node?.stop('test over');
  await rm(root, { recursive: true, force: true });
});

describe('headless dashboard over runHeadless', () => {
  it('prints a 127.0.0.1 URL with the token in the fragment', () => {
    expect(dash.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43}$/);
  });

  it('warns that a damaged settings file was reset (the desktop does the same)', () => {
    expect(reported).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: expect.stringMatching(/default settings/),
      }),
    );
  });

  it('backs the key up where the desktop does (folder 0700, file 0600)', async () => {
    const c = await bridgeClient(dash);
    const weak = (await c.call('backupKey', { passphrase: 'password1234' })) as {
      error: { name: string; message: string };
    };
    expect(weak.error).toMatchObject({ name: 'WeakPassphraseError' });
    const backup = (await c.call('backupKey', { passphrase: 'violet canyon tractor 42' })) as {
      result: { path: string; content: string };
    };
    expect(JSON.parse(backup.result.content)).toMatchObject({ version: 3 });
    expect(dirname(backup.result.path)).toBe(join(root, 'data', 'local', 'exports'));
    if (process.platform !== 'win32') {
      expect((await stat(dirname(backup.result.path))).mode & 0o777).toBe(0o700);
      expect((await stat(backup.result.path)).mode & 0o777).toBe(0o600);
    }
    c.ws.close();
  });

  it('shows the running node, its logs, and stops it from the dashboard', async () => {
    const c = await bridgeClient(dash);
    const snap = (await c.call('getSnapshot')) as { result: Record<string, unknown> };
    expect(snap.result.node).toMatchObject({ nodeId: node.node.agent.nodeId, network: 'local' });
    expect(snap.result.settings).toMatchObject({
      network: 'local',
      dataDir: join(root, 'data'),
      autoUpdate: false,
    });
    expect(snap.result.host).toBe('headless');
    // Logged before the dashboard existed: the page still shows it.
    const early = snap.result.logs as { message: string }[];
    expect(early).toContainEqual(
      expect.objectContaining({ message: expect.stringMatching(/^Created node key 0x/) }),
    );
    // No nvidia-smi on this machine: the GPU page says so.
    expect(snap.result.gpu).toMatchObject({ available: false });

    node.kit.logger.info('a line after the page connected');
    await c.until(
      (f) =>
        f.event === 'logs' &&
        (f.payload as { message: string }[]).some(
          (l) => l.message === 'a line after the page connected',
        ),
    );

    // Stop pauses a headless node (headless-pause.test.ts); ending it is the confirmed command.
    const ended = (await c.call('endProcess', { confirm: true })) as { result: unknown };
    expect(ended.result).toEqual({ ending: true });
    await c.until(
      (f) => f.event === 'state' && (f.payload as { state: string }).state === 'stopped',
    );
    expect(node.kit.agent.state()).toMatchObject({
      state: 'stopped',
      reason: 'Ended from the dashboard',
    });
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
