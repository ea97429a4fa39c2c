import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import {
  createDockerVllmRuntime,
  type ModelsVolume,
} from '../core/runtime/docker/create-docker-runtime.js';
import {
  EXTRA_RUNTIME_IMAGES_ENV,
  parseExtraRuntimeImages,
} from '../core/runtime/docker/image-allow-list.js';
import type { TransferProgress } from '../core/runtime/docker/transfer-progress.js';
import type { ModelStore } from '../core/runtime/models/model-store.js';
import type { ApprovedModel } from '../core/protocol/schemas/snapshot.js';
import type { Runtime } from '../core/runtime/runtime.js';
import type { DataDirs } from '../core/store/data-dirs.js';
import type { GpuSource } from './gpu-source.js';

export interface NvidiaDockerRuntimeOptions {
  dirs: DataDirs;
  clock: Clock;
  logger: Logger;
  /** Live GPU readings size vLLM's memory share; the probe runs when there are none yet. */
  gpu: Pick<GpuSource, 'latest'>;
  onProgress: (p: TransferProgress) => void;
  /** The operator's environment: RESULTITY_EXTRA_RUNTIME_IMAGES extends the image allow-list. */
  env: Readonly<Record<string, string | undefined>>;
  /** More repositories from the operator (the headless --allow-runtime-image flag). */
  extraImages?: readonly string[];
  /** The node runs in a container: the runtime containers get the models through this volume. */
  modelsVolume?: ModelsVolume;
  /**
   * 'none': no GPU request and no GPU probe, for the devnet's simulated-runtime image only
   * (the headless CLI allows it on the local profile alone).
   */
  gpuRequest?: 'nvidia' | 'none';
  /** The store that verified the weights: a model it installed runs offline from its folder. */
  models?: { store: ModelStore; approved: () => readonly ApprovedModel[] };
}

/**
 * The production runtime, the same for the desktop app and the headless node: vLLM in a Docker
 * container on this machine's NVIDIA GPU, image pinned by the network's configuration within
 * the node's image allow-list. Throws a DockerEngineError that says what to do when Docker is
 * missing or stopped, and an Error when the operator's extra images are malformed.
 */
export async function createNvidiaDockerRuntime(o: NvidiaDockerRuntimeOptions): Promise<Runtime> {
  const { runtime } = await createDockerVllmRuntime({
    networkBase: o.dirs.base,
    network: o.dirs.network,
    clock: o.clock,
    logger: o.logger,
    gpu: o.gpuRequest ?? 'nvidia',
    gpuReadings: () => o.gpu.latest(),
    onProgress: o.onProgress,
    extraImages: operatorImages(o),
    ...(o.gpuRequest === 'none' ? { simulated: true } : {}),
    ...(o.modelsVolume ? { modelsVolume: o.modelsVolume } : {}),
    ...(o.models ? { models: o.models } : {}),
  });
  return runtime;
}

/** The operator's extra runtime images; the network's configuration can never add one. */
export function operatorImages(o: Pick<NvidiaDockerRuntimeOptions, 'env' | 'extraImages'>) {
  const fromEnv = o.env[EXTRA_RUNTIME_IMAGES_ENV];
  return [
    ...new Set(parseExtraRuntimeImages([...(fromEnv ? [fromEnv] : []), ...(o.extraImages ?? [])])),
  ];
}
