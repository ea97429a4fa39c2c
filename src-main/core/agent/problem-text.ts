import type { ConfigStatus } from '../protocol/index.js';
import type { RuntimeStatus } from '../runtime/runtime.js';
import type { NetworkName } from '../protocol/index.js';

/**
 * How the runtime weighs on the node's state: a `problem` (down, failed, not allowed) makes it
 * degraded; a `warmup` (starting, loading the model) is normal before the first ready.
 */
export function runtimeCondition(
  s: RuntimeStatus,
  network: NetworkName,
  simulatedAllowed: boolean,
): { problem: string | null; warmup: string | null } {
  if (s.simulated && !simulatedAllowed) {
    return { problem: `the simulated runtime is not allowed on ${network}`, warmup: null };
  }
  if (s.state === 'ready') return { problem: null, warmup: null };
  const words = `the runtime ${RUNTIME_WORDS[s.state]}: ${s.detail}`;
  if (s.state === 'starting' || s.state === 'loading') return { problem: null, warmup: words };
  return { problem: words, warmup: null };
}

/** "the runtime is loading the model", never "the inference runtime is failed". */
const RUNTIME_WORDS: Record<RuntimeStatus['state'], string> = {
  stopped: 'is stopped',
  starting: 'is starting',
  loading: 'is loading the model',
  ready: 'is ready',
  unhealthy: 'stopped answering',
  failed: 'failed',
};

/** Why the configuration makes the node degraded, or null when it is fine. */
export function configProblem(s: ConfigStatus, haveSnapshot: boolean): string | null {
  if (s.state === 'ok') return haveSnapshot ? null : 'no verified network configuration yet';
  const what = s.state.replace(/_/g, ' ');
  const fallback = haveSnapshot
    ? 'running on the last good configuration'
    : 'no usable configuration yet';
  return `configuration problem (${what})${s.detail ? `: ${s.detail}` : ''}; ${fallback}`;
}

/** Why the job journal makes the node degraded (disk full, not writable), or null. */
export function journalProblem(problem: string | null): string | null {
  return problem
    ? `cannot record jobs: ${problem}; free some disk space for the data folder — the node takes jobs again as soon as it can write`
    : null;
}
