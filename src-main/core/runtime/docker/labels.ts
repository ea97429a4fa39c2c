/** Every container the node creates carries OWNER_LABEL=1; nothing without it is ever touched. */
export const OWNER_LABEL = 'network.resultity.node';
export const NETWORK_LABEL = 'network.resultity.network';
export const PLAN_LABEL = 'network.resultity.plan';
/** The data folder that started it (runtime-instance.ts): leftovers are removed per node. */
export const INSTANCE_LABEL = 'network.resultity.instance';
/** `vllm` for the runtime, `gpu-check` for the throwaway GPU probe. */
export const ROLE_LABEL = 'network.resultity.role';
/** Marks images the node pulled, in its own record (pulled images cannot be labelled). */
export const IMAGE_RECORD_FILE = 'runtime-images.json';

/** Docker API filter for our containers of one network and role. */
export function ownedFilter(network: string, role = 'vllm'): Record<string, string[]> {
  return { label: [`${OWNER_LABEL}=1`, `${NETWORK_LABEL}=${network}`, `${ROLE_LABEL}=${role}`] };
}
