import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { ApprovedModel } from '../../protocol/schemas/snapshot.js';
import type { TransferProgress } from '../docker/transfer-progress.js';
import type { Runtime } from '../runtime.js';
import { ModelLibrary } from './model-library.js';
import { ModelStore } from './model-store.js';
import { VerifiedModelRuntime } from './verified-runtime.js';

/** Where a model file comes from when the configuration names no URL for it. */
export const HUGGING_FACE_URL = 'https://huggingface.co';

export interface VerifiedModelsOptions {
  /** The Hugging Face cache folder the runtime reads (HF_HOME). */
  hfHome: string;
  quarantineDir: string;
  /** The network's base URL: file URLs that are paths are resolved against it. */
  networkUrl: string;
  /** The applied configuration's approved models, read at each use. */
  approved: () => readonly ApprovedModel[];
  /** The operator's "Disk space for models" in GB; null = leave 10 % of the disk free. */
  diskBudgetGb: number | null;
  clock: Clock;
  logger: Logger;
  onProgress?: (p: TransferProgress) => void;
  fetch?: typeof fetch;
}

/** The model store of one run: the library that fills it and the store to check it. */
export function createModelStore(o: VerifiedModelsOptions): ModelStore {
  return new ModelStore({
    hfHome: o.hfHome,
    quarantineDir: o.quarantineDir,
    downloader: {
      baseUrl: HUGGING_FACE_URL,
      networkUrl: o.networkUrl,
      ...(o.fetch ? { fetch: o.fetch } : {}),
    },
    clock: o.clock,
    logger: o.logger.child('models'),
    diskBudgetBytes: o.diskBudgetGb === null ? null : o.diskBudgetGb * 1024 ** 3,
  });
}

/** `inner` behind the model store: it is applied only once the plan's files are verified. */
export function withVerifiedModels(
  inner: Runtime,
  store: ModelStore,
  o: VerifiedModelsOptions,
): Runtime {
  const library = new ModelLibrary({
    store,
    hfHome: o.hfHome,
    approved: o.approved,
    clock: o.clock,
    logger: o.logger.child('models'),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  return new VerifiedModelRuntime(inner, library, o.approved, o.logger);
}
