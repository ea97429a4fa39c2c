export interface SupervisorTiming {
  loadingHealthMs: number;
  readyHealthMs: number;
  healthTimeoutMs: number;
  /** Cold start of vLLM: download check, weights into VRAM, CUDA graphs. 1–10 min is normal. */
  loadingBudgetMs: number;
  unhealthyAfter: number;
  restartAfter: number;
  restartBaseMs: number;
  restartMaxMs: number;
  restartsBeforeRecreate: number;
  recreatesBeforeFail: number;
  failedRetryMs: number;
  stopTimeoutSec: number;
  portAttempts: number;
}

export const DEFAULT_TIMING: SupervisorTiming = {
  loadingHealthMs: 2_000,
  readyHealthMs: 5_000,
  healthTimeoutMs: 5_000,
  loadingBudgetMs: 15 * 60_000,
  unhealthyAfter: 3,
  restartAfter: 6,
  restartBaseMs: 2_000,
  restartMaxMs: 60_000,
  restartsBeforeRecreate: 3,
  recreatesBeforeFail: 2,
  failedRetryMs: 5 * 60_000,
  stopTimeoutSec: 30,
  portAttempts: 5,
};

export type RecoveryStep = { action: 'restart' | 'recreate'; delayMs: number } | { action: 'fail' };

/**
 * Counts failures since the runtime last served: restart the same container with growing
 * pauses, recreate it after `restartsBeforeRecreate` failed restarts, give up (for a while)
 * after `recreatesBeforeFail` recreations.
 */
export class RestartPolicy {
  #failures = 0;
  #recreates = 0;

  constructor(private readonly t: SupervisorTiming) {}

  /** The runtime served (or a fresh start): the counts begin again. */
  reset(): void {
    this.#failures = 0;
    this.#recreates = 0;
  }

  next(): RecoveryStep {
    this.#failures++;
    let action: 'restart' | 'recreate' = 'restart';
    if (this.#failures > this.t.restartsBeforeRecreate) {
      this.#recreates++;
      this.#failures = 1;
      action = 'recreate';
      if (this.#recreates > this.t.recreatesBeforeFail) return { action: 'fail' };
    }
    const delayMs = Math.min(this.t.restartMaxMs, this.t.restartBaseMs * 2 ** (this.#failures - 1));
    return { action, delayMs };
  }
}
