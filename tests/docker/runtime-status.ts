import type { Runtime, RuntimeStatus } from '../../src-main/core/runtime/runtime.js';

/** Supervisor timings short enough for tests: health checks and restarts within a second. */
export const FAST_SUPERVISOR_TIMING = {
  loadingHealthMs: 200,
  readyHealthMs: 500,
  restartBaseMs: 300,
  stopTimeoutSec: 2,
  loadingBudgetMs: 60_000,
};

/** The runtime's first status (now or reported later) that `pred` accepts; rejects after `ms`. */
export function waitForStatus(
  runtime: Pick<Runtime, 'status' | 'onStatus'>,
  pred: (s: RuntimeStatus) => boolean,
  ms = 30_000,
): Promise<RuntimeStatus> {
  return new Promise<RuntimeStatus>((resolve, reject) => {
    if (pred(runtime.status())) return resolve(runtime.status());
    const timer = setTimeout(
      () => reject(new Error(`timed out; status: ${JSON.stringify(runtime.status())}`)),
      ms,
    );
    const sub = runtime.onStatus((s) => {
      if (!pred(s)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(s);
    });
  });
}
