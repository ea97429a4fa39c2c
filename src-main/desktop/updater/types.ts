// Shapes the update controller works with. The controller never imports electron-updater: it
// takes an object shaped like its `autoUpdater`, so tests drive it with a fake.

/** What the controller uses of electron-updater's AppUpdater. */
export interface AutoUpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  autoRunAppAfterInstall: boolean;
  allowDowngrade: boolean;
  allowPrerelease: boolean;
  disableWebInstaller: boolean;
  forceDevUpdateConfig: boolean;
  checkForUpdates(): Promise<unknown>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** The parts of electron-updater's event payloads the controller reads. */
export interface UpdateInfoLike {
  version: string;
  /** The manifest's files (url, sha512 and our `signature`); checked by UpdateVerifier. */
  files?: unknown;
  /** On `update-downloaded`: where electron-updater put the file. */
  downloadedFile?: string;
}

/** The outcome of a signature check (update-signature.ts). */
export type SignatureCheckLike = { ok: true } | { ok: false; reason: string };

/** Checks our release signature: the manifest before downloading, the file before installing. */
export interface UpdateVerifier {
  checkManifest(info: UpdateInfoLike): SignatureCheckLike;
  checkDownload(info: UpdateInfoLike): Promise<SignatureCheckLike>;
}
export interface ProgressInfoLike {
  percent: number;
}

export type UpdateState =
  /** Updates cannot work in this copy (development run, unsigned build): `message` says why. */
  | 'unavailable'
  /** The operator turned automatic updates off in the settings. */
  | 'disabled'
  | 'idle'
  | 'checking'
  | 'downloading'
  /** Downloaded and verified; installs when the app quits (after the agent drains). */
  | 'ready'
  | 'installing'
  | 'error';

/** What the shell shows: a renderer event and, on `ready`, a notification. */
export interface UpdateStatus {
  state: UpdateState;
  currentVersion: string;
  /** The version being downloaded or ready to install. */
  availableVersion: string | null;
  progressPercent: number | null;
  /** Plain words for the operator: what is happening and, if needed, what to do. */
  message: string;
  lastCheckedAt: number | null;
  nextCheckAt: number | null;
}

/** The quit event the controller may hold while the agent drains. */
export interface QuitEventLike {
  preventDefault(): void;
}
