import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/core/logger.js';
import { startDesktopApp } from '../../../src-main/desktop/desktop-app.js';
import { KeepAwake } from '../../../src-main/desktop/keep-awake.js';
import { applyLaunchAtLogin } from '../../../src-main/desktop/launch-at-login.js';
import { Notifier } from '../../../src-main/desktop/notifier.js';
import { claimSingleInstance } from '../../../src-main/desktop/single-instance.js';
import { RunIntent } from '../../../src-main/desktop/run-intent.js';
import { MemorySettingsStore, UiService } from '../../../src-main/service/index.js';
import {
  FakeApp,
  FakeBrowserWindow,
  FakePowerSaveBlocker,
  FakeTray,
  fakeElectron,
  fakeNotificationClass,
} from '../../helpers/fake-electron.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { FakeAgent, defaultSettings, fakeHost, nodeState } from '../service/fakes.js';
import { COMMAND_NAMES } from '../../../src-main/service/command-args.js';

async function setup(opts: { startHidden?: boolean; wasRunning?: boolean } = {}) {
  const intents: boolean[] = [];
  const runIntent = {
    wanted: async () => opts.wasRunning ?? false,
    set: async (running: boolean) => void intents.push(running),
  };
  const electron = fakeElectron();
  const clock = new ManualClock();
  const agent = new FakeAgent();
  const service = await UiService.create({
    agent,
    host: { ...fakeHost('/tmp/x'), kind: 'desktop' },
    settingsStore: new MemorySettingsStore(defaultSettings),
    clock,
    logger: silentLogger,
  });
  const loginCalls: boolean[] = [];
  const desktop = startDesktopApp({
    electron,
    service,
    paths: {
      preload: '/app/preload.cjs',
      indexHtml: '/app/renderer/index.html',
      trayIconDir: '/app/tray',
    },
    platform: 'linux',
    clock,
    logger: silentLogger,
    startHidden: opts.startHidden ?? false,
    drainTimeoutMs: 10_000,
    setLaunchAtLogin: async (on) => void loginCalls.push(on),
    runIntent,
  });
  const win = FakeBrowserWindow.instances[0]!;
  const tray = FakeTray.instances[0]!;
  let quitted = false;
  electron.app.on('quit', () => (quitted = true));
  return {
    electron,
    clock,
    agent,
    service,
    desktop,
    win,
    tray,
    loginCalls,
    intents,
    quitted: () => quitted,
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('desktop app wiring', () => {
  it('opens one secure window, registers IPC, shows a tray for the current state', async () => {
    const { electron, win, tray } = await setup();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(win.options.webPreferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      preload: '/app/preload.cjs',
    });
    win.emit('ready-to-show');
    expect(win.visible).toBe(true);
    expect(electron.ipcMain.handlers.size).toBe(COMMAND_NAMES.length);
    expect(tray.image).toBe('/app/tray/stopped.png');
  });

  it('started at login it stays in the tray until opened', async () => {
    const { win, tray } = await setup({ startHidden: true });
    win.emit('ready-to-show');
    expect(win.visible).toBe(false);
    tray.clickItem('Open dashboard');
    expect(win.visible).toBe(true);
  });

  it('closing the window hides it to the tray; the node keeps running', async () => {
    const { win, agent } = await setup();
    win.show();
    expect(win.userClose()).toBe(true);
    expect(win.visible).toBe(false);
    expect(agent.calls).toEqual([]);
  });

  it('Quit drains the agent first, then quits for real', async () => {
    const { electron, agent, win, quitted } = await setup();
    let release!: () => void;
    agent.stopGate = new Promise<void>((r) => (release = r));
    agent.setState({ state: 'active' });
    FakeTray.instances[0]!.clickItem('Quit Resultity Node');
    expect(agent.calls).toEqual(['stop:10000']);
    await tick();
    expect(quitted()).toBe(false); // held while jobs finish
    electron.app.quit(); // a second Quit while draining does not start a second drain
    expect(agent.calls).toEqual(['stop:10000']);
    release();
    await tick();
    await tick();
    expect(quitted()).toBe(true);
    expect(win.userClose()).toBe(false); // quitting: the window really closes now
  });

  it('a drain that hangs cannot keep the app alive past the deadline', async () => {
    const { electron, agent, clock, quitted } = await setup();
    agent.stopGate = new Promise<void>(() => undefined);
    electron.app.quit();
    await tick();
    expect(quitted()).toBe(false);
    clock.advance(12_000);
    await tick();
    await tick();
    expect(quitted()).toBe(true);
  });

  it('tray Start runs the command and shows the error state when it fails', async () => {
    const { agent, tray, electron } = await setup();
    agent.failStart = new Error('Docker is not running. Start Docker and try again.');
    tray.clickItem('Start node');
    await tick();
    await tick();
    expect(agent.calls).toEqual(['start']);
    expect(tray.image).toBe('/app/tray/error.png');
    expect(tray.toolTip).toContain('Docker is not running');
    expect(electron.shownNotifications).toEqual([
      {
        title: 'Resultity Node could not start',
        body: 'Docker is not running. Start Docker and try again.',
      },
    ]);
  });

  it('pushes service events to the window and follows state in the tray', async () => {
    const { agent, win, tray } = await setup();
    agent.setState({ state: 'active', reason: 'Serving.' });
    expect(win.webContents.sent.map((s) => s.channel)).toContain('resultity:evt:state');
    expect(tray.image).toBe('/app/tray/active.png');
  });

  it('keep-awake follows the setting and the state; launch at login follows the setting', async () => {
    const { electron, agent, service, loginCalls } = await setup();
    const psb = electron.powerSaveBlocker;
    agent.setState({ state: 'active' });
    expect(psb.started.size).toBe(0); // opt-in
    await service.invoke('updateSettings', { keepAwake: true, launchAtLogin: true });
    expect(psb.log).toEqual(['start:prevent-app-suspension']);
    agent.setState({ state: 'stopped' });
    expect(psb.started.size).toBe(0);
    expect(loginCalls).toEqual([false, true]);
  });

  it('notifies when the node needs the operator, rate-limited', async () => {
    const { electron, agent, clock } = await setup();
    agent.setState({ state: 'degraded', reason: 'Docker stopped. Start Docker.' });
    agent.setState({ state: 'active' });
    agent.setState({ state: 'degraded', reason: 'Docker stopped. Start Docker.' });
    expect(electron.shownNotifications).toEqual([
      { title: 'Resultity Node needs attention', body: 'Docker stopped. Start Docker.' },
    ]);
    clock.advance(31 * 60_000);
    agent.setState({ state: 'active' });
    agent.setState({ state: 'degraded', reason: 'Docker stopped. Start Docker.' });
    expect(electron.shownNotifications).toHaveLength(2);
  });
});

describe('run intent', () => {
  it('a node left running starts with the app; Start/Stop are remembered, quitting is not', async () => {
    const { agent, tray, electron, intents } = await setup({ wasRunning: true });
    await tick();
    await tick();
    expect(agent.calls).toEqual(['start']);
    expect(intents).toEqual([true]);
    tray.clickItem('Stop node');
    await tick();
    await tick();
    expect(intents).toEqual([true, false]);
    electron.app.quit(); // the drain on quit is not an operator's Stop
    await tick();
    expect(intents).toEqual([true, false]);
  });

  it('a node the operator stopped stays stopped', async () => {
    const { agent } = await setup({ wasRunning: false });
    await tick();
    expect(agent.calls).toEqual([]);
  });

  it('RunIntent persists in a small file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'intent-'));
    try {
      const intent = new RunIntent(join(dir, 'sub', 'run-intent.json'));
      expect(await intent.wanted()).toBe(false);
      await intent.set(true);
      expect(await new RunIntent(intent.path).wanted()).toBe(true);
      await intent.set(false);
      expect(await intent.wanted()).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('single instance', () => {
  it('the second instance quits at once; the first reveals its window', () => {
    const second = new FakeApp();
    second.lockGranted = false;
    let revealed = 0;
    expect(claimSingleInstance(second, () => revealed++)).toBe(false);
    expect(second.quitCalls).toBe(1);

    const first = new FakeApp();
    expect(claimSingleInstance(first, () => revealed++)).toBe(true);
    first.emit('second-instance');
    expect(revealed).toBe(1);
    expect(first.quitCalls).toBe(0);
  });
});

describe('KeepAwake', () => {
  it('holds one blocker only while serving and enabled', () => {
    const psb = new FakePowerSaveBlocker();
    const k = new KeepAwake(psb);
    k.update(true, 'registering');
    expect(k.active).toBe(false);
    k.update(true, 'active');
    k.update(true, 'degraded');
    expect(psb.log).toEqual(['start:prevent-app-suspension']);
    k.update(false, 'active');
    expect(psb.log).toEqual(['start:prevent-app-suspension', 'stop']);
    expect(k.active).toBe(false);
  });
});

describe('Notifier', () => {
  it('reports failed setup checks with the fix, at most once a minute', () => {
    const { Notification, shown } = fakeNotificationClass();
    const clock = new ManualClock();
    const n = new Notifier({ Notification, clock, onClick: () => undefined });
    n.onSetup([
      {
        id: 'docker',
        label: 'Docker',
        state: 'fail',
        detail: 'Docker is not installed.',
        fix: 'Install Docker Engine.',
      },
    ]);
    n.onState(nodeState({ state: 'degraded', reason: 'No GPU.' }));
    expect(shown).toEqual([
      {
        title: 'Resultity Node cannot serve yet',
        body: 'Docker: Docker is not installed. Install Docker Engine.',
      },
    ]);
    clock.advance(61_000);
    n.onState(nodeState({ state: 'active' }));
    n.onState(nodeState({ state: 'degraded', reason: 'No GPU.' }));
    expect(shown).toHaveLength(2);
  });
});

describe('launch at login', () => {
  it('macOS/Windows use login items; Linux writes and removes an XDG autostart entry', async () => {
    const app = new FakeApp();
    const dir = await mkdtemp(join(tmpdir(), 'autostart-'));
    try {
      await applyLaunchAtLogin(
        { app, platform: 'win32', execPath: 'C:\\R\\R.exe', autostartDir: dir },
        true,
      );
      expect(app.loginItem).toEqual({ openAtLogin: true, args: ['--hidden'] });
      const opts = {
        app,
        platform: 'linux' as const,
        execPath: '/opt/Resultity Node/resultity-node',
        autostartDir: dir,
      };
      await applyLaunchAtLogin(opts, true);
      const file = join(dir, 'resultity-node.desktop');
      const text = await readFile(file, 'utf8');
      expect(text).toContain('Exec="/opt/Resultity Node/resultity-node" --hidden');
      expect(text).toContain('[Desktop Entry]');
      await applyLaunchAtLogin(opts, false);
      await expect(stat(file)).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
