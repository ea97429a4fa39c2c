// The devnet's public surface: the reference IO service (and, separately, the simulated runtime
// in ./sim-runtime). The headless agent's "local" profile starts it in-process.
export { startDevnet, type Devnet } from './io/devnet.js';
export type { DevnetOptions } from './io/options.js';
export { defaultSnapshot, DEVNET_MODEL } from './io/default-snapshot.js';
export type { FaultsInput, FaultState } from './io/faults.js';
export type { SubmitJobsInput, WorkloadInput, JobInput } from './io/admin-schemas.js';
export type { PublishInput, HistoryEntry } from './io/config-history.js';
export { loadOrCreateNetworkKey, networkKeyFrom, type NetworkKey } from './io/network-key.js';
