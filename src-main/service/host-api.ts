// What the two hosts (src-main/desktop, src-main/headless) use from the core, named in one
// place: hosts import it from here and the node kit, never from core/ directly, so the surface
// between a host and the core stays one reviewed list.
export type { AgentState } from '../core/agent/state-machine.js';
export type { ComposedNode } from '../core/agent/compose-node.js';
export { DisposableStore, toDisposable, type Disposable } from '../core/base/lifecycle.js';
export { systemClock, type Clock, type TimerHandle } from '../core/clock.js';
export { PUBLIC_PROFILES, localProfile } from '../core/config/network-profiles.js';
export {
  EnvVault,
  KEY_PASSPHRASE_ENV,
  PassphraseFileVault,
  chooseKeyVault,
} from '../core/identity/index.js';
export {
  SafeStorageVault,
  type AsyncSafeStorage,
} from '../core/identity/vaults/safe-storage-vault.js';
export type { JobEvent } from '../core/jobs/job-engine-api.js';
export {
  silentLogger,
  type LogEntry,
  type LogLevel,
  type LogSink,
  type Logger,
} from '../core/logger.js';
export { LogLevel as LogLevelSchema, NetworkName, describeIssues } from '../core/protocol/index.js';
export { RawAddress } from '../core/protocol/schemas/common.js';
export {
  EXTRA_RUNTIME_IMAGES_ENV,
  parseExtraRuntimeImages,
} from '../core/runtime/docker/image-allow-list.js';
export type { TransferProgress } from '../core/runtime/docker/transfer-progress.js';
export { writeFileAtomic } from '../core/store/atomic-file.js';
export { defaultDataRoot, resolveDataDirs, type DataDirs } from '../core/store/data-dirs.js';
