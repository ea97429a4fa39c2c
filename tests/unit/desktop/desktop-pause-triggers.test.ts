// The desktop's own pause triggers, composed as main.ts composes them (composeDesktopNode with
// Electron's powerMonitor and a full-screen probe): the fake Electron module's powerMonitor
// idle time pauses and resumes the node; Settings changes apply live; the tray and dashboard
// state carry the reason.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PauseTriggersDto } from '../../../src-main/contract/index.js';
import type { FullscreenReading } from '../../../src-main/core/pause/fullscreen-probe.js';
import { IDLE_POLL_MS } from '../../../src-main/core/pause/user-active-trigger.js';
import { composeDesktopNode, type DesktopNode } from '../../../src-main/desktop/desktop-node.js';
import { keyDialogs } from '../../../src-main/desktop/key-dialogs.js';
import { fakeElectron } from '../../helpers/fake-electron.js';
import { fakeDialog } from '../../helpers/fake-key-dialogs.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { fakeSafeStorage, noGpuSource } from '../../helpers/no-gpu.js';

let root: string;
let node: DesktopNode | null = null;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'desktop-triggers-'));
});
afterEach(async () => {
  await node?.close();
  node = null;
  await rm(root, { recursive: true, force: true });
});

async function boot() {
  const clock = new ManualClock();
  const electron = fakeElectron();
  const { powerMonitor } = electron;
  // The fake powerMonitor reads the test's clock.
  Object.assign(powerMonitor, { now: () => clock.now() });
  powerMonitor.idleFor(3600);
  let screen: FullscreenReading = { kind: 'windowed' };
  node = await composeDesktopNode({
    paths: { dataRoot: root, settingsFile: join(root, 'settings.json') },
    safeStorage: fakeSafeStorage,
    env: {},
    appVersion: '0.1.0-test',
    openFolder: async () => undefined,
    keyDialogs: keyDialogs(fakeDialog({}).dialog),
    drainTimeoutMs: 1_000,
    logSink: () => undefined,
    clock,
    pauseSources: {
      idle: powerMonitor,
      fullscreen: { pollMs: 3_000, read: async () => screen },
      ownPid: process.pid,
    },
    testSeams: { gpu: noGpuSource(), setupChecks: async () => [] },
  });
  const { service } = node;
  const setPauseWhen = (patch: Partial<PauseTriggersDto>) =>
    service.invoke('updateSettings', {
      pauseWhen: { ...service.currentSettings().pauseWhen, ...patch },
    });
  const pause = () => service.currentState().pause!;
  return {
    clock,
    powerMonitor,
    service,
    setPauseWhen,
    pause,
    setScreen: (r: FullscreenReading) => (screen = r),
  };
}

describe('desktop pause triggers (composeDesktopNode)', () => {
  it('powerMonitor idle time: input pauses the node, idleMinutes without input resumes it', async () => {
    const { clock, powerMonitor, setPauseWhen, pause } = await boot();
    await setPauseWhen({ userActive: { enabled: true, idleMinutes: 2 } });
    expect(pause().requests).toEqual([]);
    powerMonitor.input();
    await clock.advanceAsync(IDLE_POLL_MS);
    expect(pause()).toMatchObject({
      headline:
        'Paused — you are using the computer, resumes after 2 minutes without keyboard or mouse input',
      requests: [{ source: 'user-active' }],
    });
    // 1 min 55 s without input: still paused; at 2 min it resumes.
    await clock.advanceAsync(110_000, IDLE_POLL_MS);
    expect(pause().requests).toHaveLength(1);
    await clock.advanceAsync(IDLE_POLL_MS);
    expect(pause()).toMatchObject({ headline: null, requests: [] });
  });

  it('turning a trigger off in Settings releases its pause at once', async () => {
    const { clock, powerMonitor, setPauseWhen, pause } = await boot();
    powerMonitor.input();
    await setPauseWhen({ userActive: { enabled: true, idleMinutes: 5 } });
    await clock.advanceAsync(IDLE_POLL_MS);
    expect(pause().requests.map((r) => r.source)).toEqual(['user-active']);
    await setPauseWhen({ userActive: { enabled: false, idleMinutes: 5 } });
    expect(pause().requests).toEqual([]);
  });

  it('full screen (on by default on the desktop): a game pauses, leaving full screen resumes', async () => {
    const { clock, setScreen, pause, service } = await boot();
    expect(service.currentSettings().pauseWhen.fullscreen).toBe(true);
    setScreen({ kind: 'fullscreen', pid: 4242, app: 'steam_app_570' });
    await clock.advanceAsync(3_000);
    expect(pause().headline).toBe(
      'Paused — a full-screen application (steam_app_570) is in front, resumes when it leaves full screen',
    );
    setScreen({ kind: 'windowed' });
    await clock.advanceAsync(21_000, 3_000);
    expect(pause().requests).toEqual([]);
  });

  it('a machine that cannot tell: the state says which trigger and why, nothing pauses', async () => {
    const { clock, setScreen, powerMonitor, setPauseWhen, pause } = await boot();
    setScreen({ kind: 'unavailable', reason: 'xprop is not installed.' });
    powerMonitor.state = 'unknown';
    powerMonitor.input();
    await setPauseWhen({ userActive: { enabled: true, idleMinutes: 5 } });
    await clock.advanceAsync(6_000, 3_000);
    expect(pause().requests).toEqual([]);
    expect(pause().unavailable).toEqual(
      expect.arrayContaining([
        { source: 'fullscreen', reason: 'xprop is not installed.' },
        { source: 'user-active', reason: expect.stringMatching(/keyboard and mouse/) },
      ]),
    );
    // (This machine has no GPU either: the GPU triggers say so too, under their own sources.)
    const desktopOnly = pause().unavailable?.filter(
      (u) => u.source === 'fullscreen' || u.source === 'user-active',
    );
    expect(desktopOnly).toHaveLength(2);
  });
});
