import type { ConfigStatus } from '../protocol/index.js';
import type { RuntimeStatus } from '../runtime/runtime.js';
import type { NetworkName } from '../protocol/index.js';

/** Why the runtime makes the node degraded, or null when it is fine. */
export function runtimeProblem(
  s: RuntimeStatus,
  network: NetworkName,
  simulatedAllowed: boolean,
): string | null {
  if (s.simulated && !simulatedAllowed) return `the simulated runtime is not allowed on ${network}`;
  if (s.state === 'ready') return null;
  return `the inference runtime is ${s.state}: ${s.detail}`;
}

/** Why the configuration makes the node degraded, or null when it is fine. */
export function configProblem(s: ConfigStatus, haveSnapshot: boolean): string | null {
  if (s.state === 'ok') return haveSnapshot ? null : 'no verified network configuration yet';
  const what = s.state.replace(/_/g, ' ');
  const fallback = haveSnapshot
    ? 'running on the last good configuration'
    : 'no usable configuration yet';
  return `configuration problem (${what})${s.detail ? `: ${s.detail}` : ''}; ${fallback}`;
}
