// The desktop shell's one entry into auto-update. Call startUpdater() once after `app` is ready;
// it wires electron-updater and Electron's `before-quit` to an UpdateController.
import type { App } from 'electron';
import electronUpdater from 'electron-updater';
import { systemClock, type Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { updateBlockedReason } from './signing-check.js';
import type { AutoUpdaterLike, UpdateStatus } from './types.js';
import { UPDATE_PUBLIC_KEY } from './update-key.js';
import { releaseVerifier } from './release-verifier.js';
import { UpdateController } from './update-controller.js';

export type { UpdateStatus, UpdateState } from './types.js';
export { UpdateController } from './update-controller.js';

export interface StartUpdaterOptions {
  app: Pick<App, 'isPackaged' | 'getVersion' | 'quit' | 'on' | 'removeListener'>;
  /** Stops taking jobs and resolves when running ones are done. Must be idempotent. */
  drainAgent: () => Promise<void>;
  /** The `autoUpdate` field of the settings at start. */
  settings: { autoUpdate: boolean };
  logger: Logger;
  /** Every status change: the shell forwards it to the renderer. */
  onStatus?: (status: UpdateStatus) => void;
  /** A version finished downloading: the shell shows a notification. */
  onReady?: (status: UpdateStatus) => void;
  clock?: Clock;
}

export interface UpdaterHandle {
  readonly status: UpdateStatus;
  /** Follow the `autoUpdate` setting when it changes. */
  setEnabled(enabled: boolean): void;
  checkNow(): Promise<UpdateStatus>;
  /** "Restart to update": drains the agent, installs, relaunches. */
  installNow(): Promise<boolean>;
  dispose(): void;
}

/**
 * Starts update checks (30 s after start, then every 4 hours). Downloaded updates install when
 * the app quits: the `before-quit` listener added here holds the quit, awaits drainAgent(),
 * then runs the installer. electron-updater's signature checks stay as they are (we never set
 * `verifyUpdateCodeSignature`; an unsigned Windows copy does not update at all), and every
 * update must also carry our release signature by the key pinned in update-key.ts.
 */
export async function startUpdater(opts: StartUpdaterOptions): Promise<UpdaterHandle> {
  const { autoUpdater } = electronUpdater;
  const logger = opts.logger.child('updater');
  autoUpdater.logger = {
    info: (m?: unknown) => logger.debug(String(m)),
    warn: (m?: unknown) => logger.debug(String(m)),
    error: (m?: unknown) => logger.debug(String(m)),
    debug: (m: string) => logger.debug(m),
  };
  const verifier = releaseVerifier(UPDATE_PUBLIC_KEY);
  const blockedReason = opts.app.isPackaged
    ? (verifier.unavailableReason ??
      (await updateBlockedReason({
        platform: process.platform,
        resourcesPath: process.resourcesPath,
      })))
    : null;
  const controller = new UpdateController({
    updater: autoUpdater as unknown as AutoUpdaterLike,
    clock: opts.clock ?? systemClock,
    logger,
    currentVersion: opts.app.getVersion(),
    isPackaged: opts.app.isPackaged,
    blockedReason,
    verifier,
    enabled: opts.settings.autoUpdate,
    drainAgent: opts.drainAgent,
    quitApp: () => opts.app.quit(),
    onStatus: opts.onStatus,
    onReady: opts.onReady,
  });
  const onBeforeQuit = (event: Electron.Event) => controller.handleBeforeQuit(event);
  opts.app.on('before-quit', onBeforeQuit);
  controller.start();
  return {
    get status() {
      return controller.status;
    },
    setEnabled: (enabled) => controller.setEnabled(enabled),
    checkNow: () => controller.checkNow(),
    installNow: () => controller.installNow(),
    dispose: () => {
      opts.app.removeListener('before-quit', onBeforeQuit);
      controller.dispose();
    },
  };
}
