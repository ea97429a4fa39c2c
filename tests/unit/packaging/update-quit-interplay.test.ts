// The updater's before-quit listener next to the shell's quit flow (src-main/desktop/quit-flow.ts),
// as main.ts wires them: one shared drain, the shell's listener registered first.
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/core/logger.js';
import type { AppLike, PreventableEvent } from '../../../src-main/desktop/electron-like.js';
import { installQuitFlow } from '../../../src-main/desktop/quit-flow.js';
import { UpdateController } from '../../../src-main/desktop/updater/update-controller.js';
import { acceptAllVerifier, FakeUpdater, flush, StepClock } from './fake-updater.js';

const DRAIN_TIMEOUT_MS = 60_000;

/** Electron's quit: before-quit listeners in order; the app exits unless one prevents it. */
class FakeApp {
  readonly events: string[] = [];
  exited = false;
  private readonly beforeQuit: Array<(e: PreventableEvent) => void> = [];
  on(event: string, listener: (e: PreventableEvent) => void): this {
    if (event === 'before-quit') this.beforeQuit.push(listener);
    return this;
  }
  quit(): void {
    if (this.exited) return;
    let prevented = false;
    const event = { preventDefault: () => (prevented = true) };
    for (const listener of this.beforeQuit) listener(event);
    if (!prevented) {
      this.exited = true;
      this.events.push('exit');
    }
  }
}

function setup() {
  const app = new FakeApp();
  const clock = new StepClock();
  const updater = new FakeUpdater();
  let release!: () => void;
  const drainDone = new Promise<void>((resolve) => (release = resolve));
  let drains = 0;
  let shared: Promise<void> | null = null;
  // desktop-app.ts: "Drains the agent once; later calls share the same promise".
  const drain = () => (shared ??= (drains++, app.events.push('drain'), drainDone));
  installQuitFlow(app as unknown as AppLike, { drain, drainTimeoutMs: DRAIN_TIMEOUT_MS, clock });
  // electron-updater starts the installer, then quits the app on the next turn.
  updater.quitAndInstall = (isSilent, isForceRunAfter) => {
    updater.installs.push({ isSilent, isForceRunAfter, autoRun: updater.autoRunAppAfterInstall });
    app.events.push('installer started');
    setImmediate(() => app.quit());
  };
  const controller = new UpdateController({
    updater,
    clock,
    logger: silentLogger,
    currentVersion: '0.1.0',
    isPackaged: true,
    blockedReason: null,
    verifier: acceptAllVerifier,
    enabled: true,
    drainAgent: drain,
    quitApp: () => app.quit(),
  });
  app.on('before-quit', (e) => controller.handleBeforeQuit(e));
  controller.start();
  updater.onCheck = () => updater.emit('update-available', { version: '0.2.0' });
  updater.onDownload = () => updater.emit('update-downloaded', { version: '0.2.0' });
  return { app, clock, updater, controller, release, drains: () => drains };
}

describe('updater and the shell quit flow together', () => {
  it('quitting with an update ready: one drain, then the installer, then exit', async () => {
    const t = setup();
    t.clock.advance(30_000);
    await flush();
    expect(t.controller.status.state).toBe('ready');

    t.app.quit();
    expect(t.app.exited).toBe(false);
    await flush();
    expect(t.app.events).toEqual(['drain']);

    t.release();
    for (let i = 0; i < 5; i++) await flush();
    expect(t.drains()).toBe(1);
    expect(t.app.events).toEqual(['drain', 'installer started', 'exit']);
    expect(t.updater.installs).toEqual([
      { isSilent: true, isForceRunAfter: false, autoRun: false },
    ]);
  });

  it('a drain that never ends: the shell’s deadline still quits, and nothing is installed', async () => {
    const t = setup();
    t.clock.advance(30_000);
    await flush();
    t.app.quit();
    await flush();
    t.clock.advance(DRAIN_TIMEOUT_MS + 2_000);
    for (let i = 0; i < 5; i++) await flush();
    expect(t.app.exited).toBe(true);
    expect(t.updater.installs).toEqual([]);
  });

  it('quitting with no update: the updater stays out of the way', async () => {
    const t = setup();
    t.updater.onCheck = () => t.updater.emit('update-not-available', { version: '0.1.0' });
    t.clock.advance(30_000);
    await flush();
    t.app.quit();
    t.release();
    for (let i = 0; i < 5; i++) await flush();
    expect(t.app.events).toEqual(['drain', 'exit']);
    expect(t.updater.installs).toEqual([]);
  });
});
