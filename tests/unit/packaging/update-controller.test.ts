import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/core/logger.js';
import type { UpdateStatus } from '../../../src-main/desktop/updater/types.js';
import {
  DEFAULT_CHECK_INTERVAL_MS,
  DEFAULT_FIRST_CHECK_DELAY_MS,
  UpdateController,
  type UpdateControllerDeps,
} from '../../../src-main/desktop/updater/update-controller.js';
import { acceptAllVerifier, FakeUpdater, flush, StepClock } from './fake-updater.js';

const FIRST = DEFAULT_FIRST_CHECK_DELAY_MS;
const EVERY = DEFAULT_CHECK_INTERVAL_MS;

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function setup(over: Partial<UpdateControllerDeps> = {}) {
  const updater = new FakeUpdater();
  const clock = new StepClock();
  const statuses: UpdateStatus[] = [];
  const ready: UpdateStatus[] = [];
  let drains = 0;
  let quits = 0;
  const deps: UpdateControllerDeps = {
    updater,
    clock,
    logger: silentLogger,
    currentVersion: '0.1.0',
    isPackaged: true,
    blockedReason: null,
    verifier: acceptAllVerifier,
    enabled: true,
    drainAgent: async () => {
      drains++;
    },
    quitApp: () => {
      quits++;
    },
    onStatus: (s) => statuses.push(s),
    onReady: (s) => ready.push(s),
    ...over,
  };
  const controller = new UpdateController(deps);
  return {
    updater,
    clock,
    controller,
    statuses,
    ready,
    drains: () => drains,
    quits: () => quits,
  };
}

function quitEvent() {
  let prevented = false;
  return {
    preventDefault: () => {
      prevented = true;
    },
    get prevented() {
      return prevented;
    },
  };
}

/** Makes the next check find version 0.2.0 and download it at once. */
function offerVersion(updater: FakeUpdater, version = '0.2.0') {
  updater.onCheck = () => updater.emit('update-available', { version });
  updater.onDownload = () => {
    updater.emit('download-progress', { percent: 42.7 });
    updater.emit('update-downloaded', { version });
  };
}

async function readyWith(t: ReturnType<typeof setup>) {
  offerVersion(t.updater);
  t.controller.start();
  t.clock.advance(FIRST);
  await flush();
  expect(t.controller.status.state).toBe('ready');
}

describe('UpdateController', () => {
  it('takes over downloads and installs, and turns off web installers and dev feeds', () => {
    const { updater, controller } = setup();
    controller.start();
    expect(updater.autoDownload).toBe(false);
    expect(updater.autoInstallOnAppQuit).toBe(false);
    expect(updater.disableWebInstaller).toBe(true);
    expect(updater.forceDevUpdateConfig).toBe(false);
    expect(updater.allowDowngrade).toBe(false);
    expect(updater.allowPrerelease).toBe(false);
  });

  it('checks shortly after start, then every four hours', async () => {
    const { updater, clock, controller } = setup();
    controller.start();
    expect(controller.status.nextCheckAt).toBe(clock.now() + FIRST);
    clock.advance(FIRST - 1);
    expect(updater.checks).toBe(0);
    clock.advance(1);
    await flush();
    expect(updater.checks).toBe(1);
    expect(controller.status.state).toBe('idle');
    expect(controller.status.message).toContain('up to date');
    expect(controller.status.lastCheckedAt).toBe(clock.now());
    expect(controller.status.nextCheckAt).toBe(clock.now() + EVERY);
    clock.advance(EVERY - 1);
    await flush();
    expect(updater.checks).toBe(1);
    clock.advance(1);
    await flush();
    expect(updater.checks).toBe(2);
    clock.advance(EVERY);
    await flush();
    expect(updater.checks).toBe(3);
  });

  it('does not check while the setting is off, and resumes when it is turned on', async () => {
    const { updater, clock, controller } = setup({ enabled: false });
    controller.start();
    expect(controller.status.state).toBe('disabled');
    clock.advance(3 * EVERY);
    await flush();
    expect(updater.checks).toBe(0);
    expect(clock.pending).toBe(0);

    controller.setEnabled(true);
    clock.advance(FIRST);
    await flush();
    expect(updater.checks).toBe(1);

    controller.setEnabled(false);
    expect(clock.pending).toBe(0);
    clock.advance(3 * EVERY);
    await flush();
    expect(updater.checks).toBe(1);
    expect(await controller.checkNow()).toMatchObject({ state: 'disabled' });
    expect(updater.checks).toBe(1);
  });

  it('refuses everything in a development run (app.isPackaged false)', async () => {
    const t = setup({ isPackaged: false });
    offerVersion(t.updater);
    t.controller.start();
    t.clock.advance(3 * EVERY);
    await t.controller.checkNow();
    expect(t.updater.checks).toBe(0);
    expect(t.controller.status.state).toBe('unavailable');
    expect(t.controller.status.message).toMatch(/development run/);
    const ev = quitEvent();
    t.controller.handleBeforeQuit(ev);
    expect(ev.prevented).toBe(false);
    expect(await t.controller.installNow()).toBe(false);
    expect(t.updater.installs).toHaveLength(0);
  });

  it('refuses a copy that cannot verify updates, saying why', async () => {
    const reason = 'This copy of Resultity Node is not code-signed, so it will not install updates';
    const t = setup({ blockedReason: reason });
    t.controller.start();
    t.clock.advance(EVERY);
    await flush();
    expect(t.updater.checks).toBe(0);
    expect(t.controller.status).toMatchObject({ state: 'unavailable', message: reason });
  });

  it('downloads in the background and tells the shell once the update is ready', async () => {
    const t = setup();
    await readyWith(t);
    expect(t.updater.downloads).toBe(1);
    expect(t.statuses.map((s) => s.state)).toEqual(
      expect.arrayContaining(['checking', 'downloading', 'ready']),
    );
    expect(t.statuses.some((s) => s.progressPercent === 42)).toBe(true);
    expect(t.ready).toHaveLength(1);
    expect(t.ready[0]).toMatchObject({ state: 'ready', availableVersion: '0.2.0' });
    expect(t.ready[0]?.message).toMatch(/installs when you quit/);
    // Nothing more to fetch until the ready version is installed.
    t.clock.advance(2 * EVERY);
    await flush();
    expect(t.updater.checks).toBe(1);
    expect(t.updater.installs).toHaveLength(0);
  });

  it('holds the quit until the agent has drained, then installs without relaunching', async () => {
    const drain = deferred();
    let drainCalls = 0;
    const t = setup({
      drainAgent: () => {
        drainCalls++;
        return drain.promise;
      },
    });
    await readyWith(t);

    const first = quitEvent();
    t.controller.handleBeforeQuit(first);
    expect(first.prevented).toBe(true);
    expect(drainCalls).toBe(1);
    expect(t.controller.status.state).toBe('installing');
    await flush();
    expect(t.updater.installs).toHaveLength(0);

    // A second quit while jobs finish is left to the shell's quit flow (it owns the deadline)
    // and does not start a second drain.
    const second = quitEvent();
    t.controller.handleBeforeQuit(second);
    expect(second.prevented).toBe(false);
    expect(drainCalls).toBe(1);

    drain.resolve();
    await flush();
    expect(t.updater.installs).toEqual([
      { isSilent: true, isForceRunAfter: false, autoRun: false },
    ]);
    // The quit that quitAndInstall itself triggers goes through.
    const third = quitEvent();
    t.controller.handleBeforeQuit(third);
    expect(third.prevented).toBe(false);
  });

  it('"Restart to update" drains first, then installs and relaunches', async () => {
    const t = setup();
    await readyWith(t);
    const installed = await t.controller.installNow();
    expect(installed).toBe(true);
    expect(t.drains()).toBe(1);
    expect(t.updater.installs).toEqual([{ isSilent: true, isForceRunAfter: true, autoRun: true }]);
  });

  it('quits without installing when the agent cannot drain, and says so', async () => {
    const t = setup({ drainAgent: () => Promise.reject(new Error('job j-7 did not stop')) });
    await readyWith(t);
    t.controller.handleBeforeQuit(quitEvent());
    await flush();
    expect(t.updater.installs).toHaveLength(0);
    expect(t.quits()).toBe(1);
    expect(t.controller.status.state).toBe('ready');
    expect(t.controller.status.message).toContain('job j-7 did not stop');
    const again = quitEvent();
    t.controller.handleBeforeQuit(again);
    expect(again.prevented).toBe(false);
  });

  it('still lets the app quit when the installer fails to start', async () => {
    const t = setup();
    await readyWith(t);
    t.updater.quitAndInstall = () => {
      t.updater.emit('error', new Error("No update filepath provided, can't quit and install"));
    };
    t.controller.handleBeforeQuit(quitEvent());
    await flush();
    expect(t.quits()).toBe(1);
    expect(t.controller.status.state).toBe('error');
  });

  it('does not install on quit once the setting is turned off', async () => {
    const t = setup();
    await readyWith(t);
    t.controller.setEnabled(false);
    const ev = quitEvent();
    t.controller.handleBeforeQuit(ev);
    expect(ev.prevented).toBe(false);
    expect(t.drains()).toBe(0);
    expect(t.updater.installs).toHaveLength(0);
  });

  it('reports a failed check in plain words and keeps the schedule', async () => {
    const t = setup();
    t.updater.onCheck = () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND api.github.com\n    at stack...'), {
        code: 'ENOTFOUND',
      });
    };
    t.controller.start();
    t.clock.advance(FIRST);
    await flush();
    const s = t.controller.status;
    expect(s.state).toBe('error');
    expect(s.message).toBe(
      "Could not reach the update server: check this computer's internet connection. " +
        'The node keeps running; the next check is in about 4 hours.',
    );
    expect(s.nextCheckAt).toBe(t.clock.now() + EVERY);
    t.updater.onCheck = () => t.updater.emit('update-not-available', { version: '0.1.0' });
    t.clock.advance(EVERY);
    await flush();
    expect(t.controller.status.state).toBe('idle');
  });

  it('stops listening and scheduling once disposed', async () => {
    const t = setup();
    t.controller.start();
    t.controller.dispose();
    expect(t.updater.listenerCount('update-downloaded')).toBe(0);
    t.clock.advance(EVERY);
    await flush();
    expect(t.updater.checks).toBe(0);
  });
});
