import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../../src-main/service/command-args.js';

// The real main.ts, bundled as for Electron, run in Node with a fake 'electron' module: proves
// the thin wiring boots (window, tray, IPC, security guards) and that Quit drains first.
const repo = resolve(import.meta.dirname, '../../..');
let dir: string;
let lines: Record<string, unknown>[] = [];
let text = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'main-smoke-'));
  await build({
    entryPoints: [join(repo, 'src-main/desktop/main.ts')],
    outfile: join(dir, 'main.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    packages: 'external',
    external: ['electron'],
    logLevel: 'warning',
  });
  // Settings from before: the keyboard/mouse pause turned on (the rest of pauseWhen: defaults).
  await mkdir(join(dir, 'data'), { recursive: true });
  await writeFile(
    join(dir, 'data', 'settings.json'),
    JSON.stringify({ pauseWhen: { userActive: { enabled: true, idleMinutes: 5 } } }),
  );
  const child = spawn(
    process.execPath,
    ['-r', join(repo, 'tests/helpers/fake-electron-module.cjs'), join(dir, 'main.cjs')],
    {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: join(dir, 'home'),
        RESULTITY_DATA_DIR: join(dir, 'data'),
        NODE_PATH: join(repo, 'node_modules'),
        FAKE_APP_PATH: repo,
        FAKE_QUIT_AFTER_MS: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr.on('data', (d: Buffer) => (text += d.toString()));
  await new Promise<void>((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('exit', () => {
      clearTimeout(timer);
      done();
    });
  });
  lines = text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}, 40_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const types = () => lines.map((l) => l.type);

describe('desktop main.ts boots with a fake Electron', () => {
  it('before ready: only the app:// scheme, no hardware acceleration and the V8 memory flags', () => {
    const t = types();
    expect(t.slice(0, t.indexOf('ready')).sort()).toEqual([
      'appendSwitch',
      'disableHardwareAcceleration',
      'registerSchemesAsPrivileged',
    ]);
    // The same V8 flags as the headless launcher (core/system/memory-flags.ts).
    expect(lines.find((l) => l.type === 'appendSwitch')).toMatchObject({
      name: 'js-flags',
      value: expect.stringContaining('--max-semi-space-size'),
    });
  });

  it('registers every command, a tray for the stopped node and one locked-down window', () => {
    const channels = lines.filter((l) => l.type === 'ipcHandle').map((l) => l.channel);
    expect(channels).toHaveLength(COMMAND_NAMES.length);
    expect(channels).toContain('resultity:cmd:getSnapshot');
    expect(lines.find((l) => l.type === 'tray')).toMatchObject({
      image: join(repo, 'assets/tray/stopped.png'),
    });
    const windows = lines.filter((l) => l.type === 'window');
    expect(windows).toHaveLength(1);
    expect(windows[0]!.webPreferences).toMatchObject({
      preload: join(repo, 'dist/main/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    // Served by the app:// protocol, never as a privileged file:// page.
    expect(lines.find((l) => l.type === 'loadURL')).toMatchObject({
      url: 'app://renderer/index.html',
    });
    expect(lines.some((l) => l.type === 'loadFile')).toBe(false);
  });

  it('registers the app:// scheme before ready and its handler before the page loads', () => {
    const t = types();
    const registered = lines.find((l) => l.type === 'registerSchemesAsPrivileged');
    expect(registered?.schemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(t.indexOf('registerSchemesAsPrivileged')).toBeLessThan(t.indexOf('ready'));
    expect(lines.find((l) => l.type === 'protocolHandle')).toMatchObject({ scheme: 'app' });
    expect(t.indexOf('protocolHandle')).toBeLessThan(t.indexOf('loadURL'));
  });

  it('hardens the window before loading the page', () => {
    const t = types();
    for (const guard of [
      'windowOpenHandler',
      'permissionRequestHandler',
      'permissionCheckHandler',
    ]) {
      expect(t.indexOf(guard)).toBeGreaterThan(-1);
      expect(t.indexOf(guard)).toBeLessThan(t.indexOf('loadURL'));
    }
  });

  it("wires the desktop pause triggers: Electron's powerMonitor, and the full-screen probe", () => {
    // The stored setting reached the keyboard/mouse trigger, which asked powerMonitor.
    expect(lines.find((l) => l.type === 'idleState')).toMatchObject({ threshold: 10 });
    expect(types()).toContain('idleTime');
    // Full screen is on by default; this run has no X display, which the log says once.
    expect(text.match(/Full-screen pause is not available: There is no X display/g)).toHaveLength(
      1,
    );
  });

  it('holds the first quit for the drain, then quits', () => {
    const t = types();
    expect(t).toContain('requesting-quit');
    expect(t.indexOf('quit-held')).toBeGreaterThan(t.indexOf('requesting-quit'));
    expect(t.at(-1)).toBe('quit');
  });
});
