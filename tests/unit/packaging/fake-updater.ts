import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../../../src-main/core/clock.js';
import type { AutoUpdaterLike } from '../../../src-main/desktop/updater/types.js';

/** Stands in for electron-updater's autoUpdater: records calls, emits what the test says. */
export class FakeUpdater extends EventEmitter implements AutoUpdaterLike {
  autoDownload = true;
  autoInstallOnAppQuit = true;
  autoRunAppAfterInstall = true;
  allowDowngrade = true;
  allowPrerelease = true;
  disableWebInstaller = false;
  forceDevUpdateConfig = true;
  checks = 0;
  downloads = 0;
  installs: Array<{ isSilent?: boolean; isForceRunAfter?: boolean; autoRun: boolean }> = [];
  /** What the next checkForUpdates() does, after emitting 'checking-for-update'. */
  onCheck: () => void = () => this.emit('update-not-available', { version: '0.1.0' });
  onDownload: () => void = () => undefined;

  checkForUpdates(): Promise<unknown> {
    this.checks++;
    this.emit('checking-for-update');
    try {
      this.onCheck();
    } catch (error) {
      this.emit('error', error);
      return Promise.reject(error);
    }
    return Promise.resolve(null);
  }

  downloadUpdate(): Promise<unknown> {
    this.downloads++;
    this.onDownload();
    return Promise.resolve([]);
  }

  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push({ isSilent, isForceRunAfter, autoRun: this.autoRunAppAfterInstall });
  }
}

/** A clock whose timers fire only when the test advances time. */
export class StepClock implements Clock {
  private time = 1_000_000;
  private seq = 0;
  readonly timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  }
  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }
  setInterval(): TimerHandle {
    throw new Error('the update controller schedules with setTimeout only');
  }
  clearInterval(): void {}

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()]
        .filter(([, t]) => t.at <= target)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = target;
  }
}

/** Lets pending promise callbacks run. */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
