import type { Clock } from '../service/host-api.js';
import type { AppLike } from './electron-like.js';

export interface QuitFlowOptions {
  /** Stops the agent, letting in-flight jobs finish. */
  drain: (timeoutMs: number) => Promise<void>;
  drainTimeoutMs: number;
  clock: Clock;
  onError?: (err: unknown) => void;
}

export interface QuitFlow {
  isQuitting(): boolean;
}

/**
 * Quit drains first: the first `before-quit` is cancelled, the agent drains (bounded by a
 * deadline, so a stuck job cannot keep the app alive), then the app quits for real.
 */
export function installQuitFlow(app: AppLike, opts: QuitFlowOptions): QuitFlow {
  let quitting = false;
  let drained = false;
  app.on('before-quit', (event) => {
    if (drained) return;
    event.preventDefault();
    if (quitting) return;
    quitting = true;
    const deadline = new Promise<void>((resolve) => {
      opts.clock.setTimeout(resolve, opts.drainTimeoutMs + 2_000);
    });
    const drain = opts.drain(opts.drainTimeoutMs).catch((err: unknown) => opts.onError?.(err));
    void Promise.race([drain, deadline]).then(() => {
      drained = true;
      app.quit();
    });
  });
  // Closing the last window does not quit: the node keeps serving from the tray.
  app.on('window-all-closed', () => undefined);
  return { isQuitting: () => quitting };
}
