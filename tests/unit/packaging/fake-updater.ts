import { EventEmitter } from 'node:events';
import type { TimerHandle } from '../../../src-main/core/clock.js';
import type { AutoUpdaterLike, UpdateVerifier } from '../../../src-main/desktop/updater/types.js';
import { ManualClock } from '../../helpers/manual-clock.js';

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

/** The shared manual clock, refusing intervals (the update controller uses setTimeout only). */
export class StepClock extends ManualClock {
  constructor() {
    super(1_000_000);
  }
  override setInterval(): TimerHandle {
    throw new Error('the update controller schedules with setTimeout only');
  }
}

/** Lets pending promise callbacks run. */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * For tests of everything but the release signature (scheduling, draining, quitting): every
 * update passes. The signature itself is tested with real keys and files in
 * update-signature.test.ts.
 */
export const acceptAllVerifier: UpdateVerifier = {
  checkManifest: () => ({ ok: true }),
  checkDownload: async () => ({ ok: true }),
};
