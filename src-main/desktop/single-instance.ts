import type { AppLike } from './electron-like.js';

/**
 * One app per user: a second launch hands over to the first (which shows its window) and exits.
 * Returns false in the second instance, which must not go on starting.
 */
export function claimSingleInstance(app: AppLike, onSecondInstance: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', onSecondInstance);
  return true;
}
