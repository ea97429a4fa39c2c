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
