import type { ProgressDto } from '../contract/index.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { ExternalRuntime } from '../core/runtime/external-runtime.js';
import {
  runtimeCacheDirs,
  runtimeDirs,
  type ModelsVolume,
} from '../core/runtime/docker/create-docker-runtime.js';
import {
  createModelStore,
  withVerifiedModels,
  type VerifiedModelsOptions,
} from '../core/runtime/models/verified-models.js';
import type { ApprovedModel } from '../core/protocol/schemas/snapshot.js';
import type { TransferProgress } from '../core/runtime/docker/transfer-progress.js';
import type { Runtime } from '../core/runtime/runtime.js';
import type { DataDirs } from '../core/store/data-dirs.js';
import type { GpuSource } from './gpu-source.js';
import { createNvidiaDockerRuntime } from './nvidia-docker-runtime.js';

/**
 * Which runtime serves jobs. The host decides (desktop: Docker unless RESULTITY_RUNTIME_URL;
 * headless: its flags); the node kit builds it, the same way for both.
 */
export type RuntimeChoice =
  /**
   * `extraImages`: repositories the operator allows besides vLLM's (headless flag);
   * `modelsVolume`: the node runs in a container (agent image); `gpuRequest` 'none': the
   * devnet's simulated-runtime image on a machine without a GPU (local profile only).
   */
  | {
      kind: 'docker';
      extraImages?: readonly string[];
      modelsVolume?: ModelsVolume;
      gpuRequest?: 'nvidia' | 'none';
    }
  | {
      kind: 'external';
      url: string;
      apiKey: string | null;
      simulated: boolean;
      /** Headless: where each plan is written for a runtime launcher (Kubernetes). */
      planFile?: string;
      /** Headless: the image the operator runs the runtime with, checked by digest. */
      declaredImage?: string;
    };

export interface RuntimeContext {
  dirs: DataDirs;
  clock: Clock;
  logger: Logger;
  gpu: Pick<GpuSource, 'latest'>;
  /** The operator's environment (RESULTITY_EXTRA_RUNTIME_IMAGES extends the image allow-list). */
  env: Readonly<Record<string, string | undefined>>;
  /** Image pulls and model downloads, mapped by the host and shown on the Models page. */
  onProgress: (p: ProgressDto) => void;
  /** How the host shows a transfer (the headless dashboard leaves out the per-layer detail). */
  mapProgress?: (p: TransferProgress) => ProgressDto;
  /** What the model store needs: the network's URL, the approved models, the disk budget. */
  models: {
    networkUrl: string;
    approved: () => readonly ApprovedModel[];
    diskBudgetGb: number | null;
  };
}

/**
 * Builds the chosen runtime. Throws a DockerEngineError that says what to do without Docker.
 * A runtime the node manages (Docker, and the devnet's simulated one) sits behind the model
 * store: it starts only on weights whose every file passed its SHA-256 check.
 */
export async function createRuntime(choice: RuntimeChoice, ctx: RuntimeContext): Promise<Runtime> {
  const map = ctx.mapProgress ?? ((p: TransferProgress): ProgressDto => ({ ...p }));
  const onProgress = (p: TransferProgress) => ctx.onProgress(map(p));
  const cache = runtimeCacheDirs(
    ctx.dirs.base,
    choice.kind === 'docker' ? choice.modelsVolume : undefined,
  );
  const models: VerifiedModelsOptions = {
    hfHome: cache.hf,
    quarantineDir: runtimeDirs(ctx.dirs.base).quarantine,
    networkUrl: ctx.models.networkUrl,
    approved: ctx.models.approved,
    diskBudgetGb: ctx.models.diskBudgetGb,
    clock: ctx.clock,
    logger: ctx.logger,
    onProgress,
  };
  const store = createModelStore(models);
  if (choice.kind === 'external') {
    const external = new ExternalRuntime({
      url: choice.url,
      apiKey: choice.apiKey,
      simulated: choice.simulated,
      clock: ctx.clock,
      logger: ctx.logger,
      // The simulator warms up in a second; a real vLLM takes minutes, so look less often.
      healthIntervalMs: choice.simulated ? 1000 : 5000,
      ...(choice.planFile ? { planFile: choice.planFile } : {}),
      ...(choice.declaredImage ? { declaredImage: choice.declaredImage } : {}),
    });
    // The devnet's simulator goes through the same download and check (it ignores the files);
    // a runtime someone else runs reads weights the node never sees, so nothing is claimed.
    return choice.simulated ? withVerifiedModels(external, store, models) : external;
  }
  const docker = await createNvidiaDockerRuntime({
    dirs: ctx.dirs,
    clock: ctx.clock,
    logger: ctx.logger,
    gpu: ctx.gpu,
    onProgress,
    env: ctx.env,
    models: { store, approved: ctx.models.approved },
    ...(choice.extraImages ? { extraImages: choice.extraImages } : {}),
    ...(choice.modelsVolume ? { modelsVolume: choice.modelsVolume } : {}),
    ...(choice.gpuRequest ? { gpuRequest: choice.gpuRequest } : {}),
  });
  return withVerifiedModels(docker, store, models);
}
