import type { SettingsDto } from '../contract/index.js';
import { planLimits, type OperatorLimits } from '../core/config/runtime-plan.js';
import type { ConfigSnapshot } from '../core/protocol/index.js';

/** The settings the runtime and the job session depend on ("Most jobs at once", "VRAM kept free"). */
export function operatorLimitsOf(settings: SettingsDto): OperatorLimits {
  return {
    maxConcurrentJobs: settings.maxConcurrentJobs,
    gpuMemoryHeadroomMb: settings.gpuMemoryHeadroomMb,
  };
}

export function sameLimits(a: SettingsDto, b: SettingsDto): boolean {
  return (
    a.maxConcurrentJobs === b.maxConcurrentJobs && a.gpuMemoryHeadroomMb === b.gpuMemoryHeadroomMb
  );
}

/**
 * Whether going from `prev` to `next` changes the runtime's command line under `snapshot`
 * (--max-num-seqs or the VRAM kept free): the runtime then restarts. A headroom below the
 * network's changes nothing.
 */
export function limitsRestartRuntime(
  snapshot: ConfigSnapshot | null,
  prev: SettingsDto,
  next: SettingsDto,
): boolean {
  if (!snapshot || sameLimits(prev, next)) return false;
  const before = planLimits(snapshot, operatorLimitsOf(prev));
  const after = planLimits(snapshot, operatorLimitsOf(next));
  return (
    before.maxNumSeqs !== after.maxNumSeqs ||
    // With several GPUs the cap is split into shares: their --max-num-seqs change.
    before.jobsCap !== after.jobsCap ||
    before.gpuMemoryHeadroomMb !== after.gpuMemoryHeadroomMb
  );
}

/**
 * Refuses a settings change that would restart the runtime under running jobs until the
 * operator confirms it (the dashboard asks; over the API, send `confirmRestart: true`).
 */
export class RestartNeedsConfirmationError extends Error {
  override readonly name = 'RestartNeedsConfirmationError';
  readonly code = 'confirm_restart';
  constructor(readonly jobs: number) {
    super(
      `${jobs === 1 ? '1 job is' : `${jobs} jobs are`} running. These limits restart the runtime, ` +
        'which ends the running jobs with an error (the network can give them to another node). ' +
        'Save again to confirm, or wait until the jobs are done.',
    );
  }
}
