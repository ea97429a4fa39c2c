import type { Clock, TimerHandle } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { DisposableStore, toDisposable } from '../../service/host-api.js';
import type {
  AutoUpdaterLike,
  ProgressInfoLike,
  QuitEventLike,
  UpdateInfoLike,
  UpdateState,
  UpdateStatus,
  UpdateVerifier,
} from './types.js';
import { describeUpdateError } from './update-errors.js';

export const DEFAULT_FIRST_CHECK_DELAY_MS = 30_000;
export const DEFAULT_CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;

export interface UpdateControllerDeps {
  updater: AutoUpdaterLike;
  clock: Clock;
  logger: Logger;
  currentVersion: string;
  /** Electron's `app.isPackaged`: a development run never installs anything. */
  isPackaged: boolean;
  /** Null when this copy may install signed updates; otherwise the plain reason it cannot. */
  blockedReason: string | null;
  /** Our release signature: checked before each download and again before each install. */
  verifier: UpdateVerifier;
  /** The `autoUpdate` setting at start; later changes arrive through setEnabled(). */
  enabled: boolean;
  /** Stops taking jobs and waits for running ones; must be safe to call more than once. */
  drainAgent: () => Promise<void>;
  /** Quits the app (Electron's `app.quit`), used to let a held quit go on. */
  quitApp: () => void;
  onStatus?: (status: UpdateStatus) => void;
  /** Called once per downloaded version: the shell shows a notification. */
  onReady?: (status: UpdateStatus) => void;
  firstCheckDelayMs?: number;
  checkIntervalMs?: number;
}

/**
 * Checks at start and every few hours, downloads in the background, and installs only when the
 * app quits (or the operator asks to restart) after the agent has drained. It never installs
 * from a development run, and leaves electron-updater's signature checks as they are. On top of
 * them, an update must carry our release signature (update-signature.ts): checked on the
 * manifest before the download starts (so macOS's Squirrel never receives an unsigned update),
 * on the downloaded file, and on the file again right before the installer runs.
 */
export class UpdateController {
  private readonly d: UpdateControllerDeps;
  private readonly firstDelay: number;
  private readonly interval: number;
  private enabled: boolean;
  private timer: TimerHandle | null = null;
  private started = false;
  private installing: Promise<boolean> | null = null;
  /** Set once the app may quit without being held again. */
  private letQuitThrough = false;
  private installViaQuit = false;
  /** The downloaded update whose signature was checked (its file is checked again at install). */
  private downloaded: UpdateInfoLike | null = null;
  /** Our listeners on electron-updater's emitter; disposed to detach them all. */
  private readonly subscriptions = new DisposableStore();
  private current: UpdateStatus;

  constructor(deps: UpdateControllerDeps) {
    this.d = deps;
    this.enabled = deps.enabled;
    this.firstDelay = deps.firstCheckDelayMs ?? DEFAULT_FIRST_CHECK_DELAY_MS;
    this.interval = deps.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS;
    this.current = {
      state: 'idle',
      currentVersion: deps.currentVersion,
      availableVersion: null,
      progressPercent: null,
      message: '',
      lastCheckedAt: null,
      nextCheckAt: null,
    };
  }

  get status(): UpdateStatus {
    return { ...this.current };
  }

  private get unavailableReason(): string | null {
    if (!this.d.isPackaged) {
      return 'Automatic updates are off in a development run: only the installed app updates itself.';
    }
    return this.d.blockedReason;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const u = this.d.updater;
    // We drive downloads and installs ourselves: install only after the agent drains.
    u.autoDownload = false;
    u.autoInstallOnAppQuit = false;
    u.allowDowngrade = false;
    u.allowPrerelease = false;
    // Web installers may skip signature checks; dev configs would accept unpublished builds.
    u.disableWebInstaller = true;
    u.forceDevUpdateConfig = false;
    this.listen('checking-for-update', () => this.set('checking', 'Checking for updates.'));
    this.listen('update-available', (info: UpdateInfoLike) => this.onAvailable(info));
    this.listen('update-not-available', () => this.onNotAvailable());
    this.listen('download-progress', (p: ProgressInfoLike) => this.onProgress(p));
    this.listen('update-downloaded', (info: UpdateInfoLike) => void this.onDownloaded(info));
    this.listen('update-cancelled', () => this.set('idle', 'The update download was cancelled.'));
    this.listen('error', (error: unknown) => this.onError(error));
    this.applyAvailability(this.firstDelay);
  }

  /** Follows the `autoUpdate` setting. Turning it off also drops a pending install-on-quit. */
  setEnabled(enabled: boolean): void {
    if (enabled === this.enabled) return;
    this.enabled = enabled;
    this.d.logger.info(enabled ? 'automatic updates turned on' : 'automatic updates turned off');
    if (this.started) this.applyAvailability(this.firstDelay);
  }

  /** An operator-initiated check ("Check for updates"). */
  async checkNow(): Promise<UpdateStatus> {
    if (this.unavailableReason === null && this.enabled) await this.runCheck();
    return this.status;
  }

  /** "Restart to update": drains the agent, then installs and relaunches. */
  installNow(): Promise<boolean> {
    return this.install(false);
  }

  /**
   * Wire to Electron's `before-quit`: holds the quit while the agent drains, then installs.
   * Quits arriving meanwhile are not held here: the shell's quit flow owns the drain deadline,
   * and drainAgent() is shared, so its own quit lands after quitAndInstall has started.
   */
  handleBeforeQuit(event: QuitEventLike): void {
    if (this.letQuitThrough || this.installing) return;
    if (this.current.state !== 'ready' || !this.enabled || this.unavailableReason !== null) return;
    event.preventDefault();
    void this.install(true);
  }

  dispose(): void {
    this.clearTimer();
    this.subscriptions.clear();
    this.started = false;
  }

  private listen<A extends unknown[]>(event: string, fn: (...args: A) => void): void {
    const wrapped = fn as unknown as (...args: unknown[]) => void;
    this.d.updater.on(event, wrapped);
    this.subscriptions.add(toDisposable(() => this.d.updater.removeListener(event, wrapped)));
  }

  private applyAvailability(firstDelay: number): void {
    this.clearTimer();
    const reason = this.unavailableReason;
    if (reason !== null) {
      this.set('unavailable', reason);
      return;
    }
    if (!this.enabled) {
      this.set('disabled', 'Automatic updates are turned off in the settings.');
      return;
    }
    if (this.current.state === 'disabled' || this.current.state === 'unavailable') {
      this.set('idle', 'Automatic updates are on.');
    }
    this.schedule(firstDelay);
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    this.timer = this.d.clock.setTimeout(() => {
      this.timer = null;
      void this.runCheck();
    }, delayMs);
    this.current.nextCheckAt = this.d.clock.now() + delayMs;
    this.emit();
  }

  private clearTimer(): void {
    if (this.timer !== null) this.d.clock.clearTimeout(this.timer);
    this.timer = null;
    this.current.nextCheckAt = null;
  }

  private async runCheck(): Promise<void> {
    if (this.unavailableReason !== null || !this.enabled) return;
    const busy: UpdateState[] = ['checking', 'downloading', 'ready', 'installing'];
    if (!busy.includes(this.current.state)) {
      this.set('checking', 'Checking for updates.');
      try {
        await this.d.updater.checkForUpdates();
      } catch (error) {
        // electron-updater also emits 'error' for this; onError reports it once.
        this.d.logger.debug('update check rejected', { error: String(error) });
      }
      this.current.lastCheckedAt = this.d.clock.now();
      if (this.current.state === 'checking')
        this.set('idle', 'No update information was received.');
    }
    if (this.enabled && this.unavailableReason === null) this.schedule(this.interval);
  }

  private onAvailable(info: UpdateInfoLike): void {
    const check = this.d.verifier.checkManifest(info);
    if (!check.ok) {
      this.refuse(info.version, check.reason);
      return;
    }
    this.current.availableVersion = info.version;
    this.current.progressPercent = 0;
    this.set('downloading', `Downloading version ${info.version} in the background.`);
    this.d.updater.downloadUpdate().catch((error: unknown) => {
      this.d.logger.debug('update download rejected', { error: String(error) });
    });
  }

  private onNotAvailable(): void {
    this.current.availableVersion = null;
    this.current.progressPercent = null;
    this.set('idle', `Resultity Node is up to date (version ${this.d.currentVersion}).`);
  }

  private onProgress(p: ProgressInfoLike): void {
    const pct = Math.max(0, Math.min(100, Math.floor(p.percent)));
    if (pct === this.current.progressPercent) return;
    this.current.progressPercent = pct;
    this.emit();
  }

  private async onDownloaded(info: UpdateInfoLike): Promise<void> {
    const check = await this.d.verifier.checkDownload(info);
    if (!check.ok) {
      this.downloaded = null;
      this.refuse(info.version, check.reason);
      return;
    }
    this.downloaded = info;
    this.current.availableVersion = info.version;
    this.current.progressPercent = 100;
    this.set(
      'ready',
      `Version ${info.version} is ready. It installs when you quit Resultity Node, ` +
        'after running jobs finish.',
    );
    this.d.logger.info('update downloaded', { version: info.version });
    this.d.onReady?.(this.status);
  }

  private onError(error: unknown): void {
    const message = describeUpdateError(error, this.interval);
    this.d.logger.warn(message, { error: error instanceof Error ? error.message : String(error) });
    this.current.progressPercent = null;
    this.set('error', message);
    if (this.installing && this.installViaQuit) this.quitWithoutInstalling();
  }

  private install(viaQuit: boolean): Promise<boolean> {
    if (this.installing) return this.installing;
    if (this.current.state !== 'ready' || this.unavailableReason !== null) {
      return Promise.resolve(false);
    }
    this.installViaQuit = viaQuit;
    this.installing = this.drainThenInstall(viaQuit).finally(() => {
      this.installing = null;
    });
    return this.installing;
  }

  private async drainThenInstall(viaQuit: boolean): Promise<boolean> {
    const version = this.current.availableVersion ?? 'the new version';
    this.set('installing', `Finishing running jobs before installing ${version}.`);
    try {
      await this.d.drainAgent();
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      this.d.logger.warn('agent did not drain; update not installed', { error: why });
      this.set(
        'ready',
        `The node could not finish its jobs (${why}), so ${version} was not installed. ` +
          'It will be offered again.',
      );
      if (viaQuit) this.quitWithoutInstalling();
      return false;
    }
    if (!this.d.isPackaged) return false; // belt and braces: never install from a dev run
    // The file waited on disk since the download: check it once more, right before it runs.
    const check = this.downloaded
      ? await this.d.verifier.checkDownload(this.downloaded)
      : ({ ok: false, reason: 'no checked download is waiting' } as const);
    if (!check.ok) {
      this.refuse(version, check.reason);
      if (viaQuit) this.quitWithoutInstalling();
      return false;
    }
    this.d.logger.info('installing update', { version, relaunch: !viaQuit });
    this.letQuitThrough = true;
    this.d.updater.autoRunAppAfterInstall = !viaQuit;
    // isSilent: the NSIS installer runs without a wizard; relaunch only on "Restart to update".
    this.d.updater.quitAndInstall(true, !viaQuit);
    return true;
  }

  /** An update without a valid release signature: never downloaded further, never installed. */
  private refuse(version: string, reason: string): void {
    this.d.logger.warn('update refused: bad or missing release signature', { version, reason });
    this.downloaded = null;
    this.current.availableVersion = null;
    this.current.progressPercent = null;
    this.set(
      'error',
      `Version ${version} was refused and will not be installed: ${reason}. It may have been ` +
        'tampered with. Nothing was changed; install new versions from the release page, and ' +
        'tell the Resultity team if this keeps happening.',
    );
  }

  private quitWithoutInstalling(): void {
    this.letQuitThrough = true;
    this.d.quitApp();
  }

  private set(state: UpdateState, message: string): void {
    this.current.state = state;
    this.current.message = message;
    this.emit();
  }

  private emit(): void {
    this.d.onStatus?.(this.status);
  }
}
