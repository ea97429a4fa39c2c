import type { NodeStateDto } from '../contract/index.js';
import type { RuntimeStatus } from '../core/runtime/runtime.js';

/** What the UI shows before a run has a runtime. */
export const NO_RUNTIME: NodeStateDto['runtime'] = {
  kind: 'none',
  state: 'stopped',
  detail: 'Not started.',
  simulated: false,
};

/** The runtime as the UI shows it; the raw error (`cause`) goes behind "Details". */
export function runtimeDto(rt: RuntimeStatus): NodeStateDto['runtime'] {
  return {
    kind: rt.kind,
    state: rt.state,
    detail: rt.detail,
    simulated: rt.simulated,
    ...(rt.cause ? { cause: rt.cause } : {}),
  };
}
