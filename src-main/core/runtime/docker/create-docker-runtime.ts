import path from 'node:path';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { ApprovedModel } from '../../protocol/schemas/snapshot.js';
import { probeGpus, type GpuProbe } from '../gpu/gpu-probe.js';
import { nodeLocateHost, nodeRun } from '../gpu/node-host.js';
import { driverMajor as parseDriverMajor, type GpuReading } from '../gpu/nvidia-smi-query.js';
import { findPrograms, TOOLKIT_PROGRAMS } from '../../setup/doctor.js';
import { removeStaleContainers } from './container-ops.js';
import { loadRuntimeInstance } from './runtime-instance.js';
import { GpuFleetRuntime } from './gpu-fleet-runtime.js';
import { checkGpuBeforePull } from './gpu-gate.js';
import type { ModelStore } from '../models/model-store.js';
import type { RuntimePlan } from '../runtime.js';
import { MODELS_VOLUME_DIRS, engineMountsSubpaths } from './cache-mounts.js';
import { createDockerClients, type DockerClients } from './docker-clients.js';
import { nodeDiscoveryHost, type DiscoveryHost } from './discovery-host.js';
import { DockerVllmRuntime, type DockerVllmRuntimeOptions } from './docker-vllm-runtime.js';
import { discoverEngine, type Discovery } from './engine-discovery.js';
import { DockerEngineError } from './engine-problems.js';
import { ImageAllowList } from './image-allow-list.js';
import { ImagePuller } from './image-puller.js';
import { IMAGE_RECORD_FILE } from './labels.js';
import { OwnedImages } from './owned-images.js';
import type { TransferProgress } from './transfer-progress.js';

/** The runtime's folders under one network's data folder (never the keys folder). */
export function runtimeDirs(networkBase: string) {
  const root = path.join(networkBase, 'runtime');
  return {
    root,
    /** Mounted as HF_HOME; the ModelStore installs verified weights here. */
    hfHome: path.join(root, 'hf-cache'),
    compileCache: path.join(root, 'vllm-cache'),
    quarantine: path.join(root, 'quarantine'),
    imageRecord: path.join(root, IMAGE_RECORD_FILE),
  };
}

/**
 * The Hugging Face and compile caches the runtime container mounts: folders of the network's
 * data folder, or the models volume's sub-folders when the node runs in a container.
 */
export function runtimeCacheDirs(
  networkBase: string,
  modelsVolume?: ModelsVolume,
): { hf: string; compile: string } {
  if (modelsVolume)
    return {
      hf: path.join(modelsVolume.dir, MODELS_VOLUME_DIRS.hf),
      compile: path.join(modelsVolume.dir, MODELS_VOLUME_DIRS.compile),
    };
  const dirs = runtimeDirs(networkBase);
  return { hf: dirs.hfHome, compile: dirs.compileCache };
}

export interface ModelsVolume {
  /** The Docker volume's name, e.g. `resultity-models`. */
  name: string;
  /** Where that volume is mounted in the node's own container, e.g. `/models`. */
  dir: string;
}

export interface CreateDockerRuntimeOptions {
  /** `DataDirs.base` of the network. */
  networkBase: string;
  network: string;
  clock: Clock;
  logger: Logger;
  /** 'none' runs the container without a GPU request (the simulated stand-in image). */
  gpu: 'nvidia' | 'none';
  /** Latest readings of the running sampler; without it nvidia-smi is probed at each apply. */
  gpuReadings?: () => GpuReading[];
  probeGpu?: () => Promise<GpuProbe>;
  /** Approved models and the store that installed them (then vLLM runs offline). */
  models?: { store: ModelStore; approved: () => readonly ApprovedModel[] };
  onProgress?: (p: TransferProgress) => void;
  /** Repositories the operator allows besides vLLM's (parseExtraRuntimeImages). */
  extraImages?: readonly string[];
  simulated?: boolean;
  /**
   * The node runs in a container (the agent image): the runtime containers mount this named
   * volume, which the node sees at `dir`, instead of folders of the node's data folder.
   */
  modelsVolume?: ModelsVolume;
  host?: DiscoveryHost;
  extra?: Partial<DockerVllmRuntimeOptions>;
}

export interface CreatedDockerRuntime<R> {
  runtime: R;
  discovery: Discovery & { ok: true };
  clients: DockerClients;
}

/**
 * Production wiring: finds the engine (or throws a DockerEngineError saying what to do), makes
 * the two clients, and builds the runtime with its puller, image record and cache folders: on
 * NVIDIA GPUs a GpuFleetRuntime (one container per GPU, or one tensor-parallel container, the
 * GPU checked before any pull); with `gpu: 'none'` one container without a GPU request.
 */
export async function createDockerVllmRuntime(
  o: CreateDockerRuntimeOptions & { gpu: 'none' },
): Promise<CreatedDockerRuntime<DockerVllmRuntime>>;
export async function createDockerVllmRuntime(
  o: CreateDockerRuntimeOptions,
): Promise<CreatedDockerRuntime<DockerVllmRuntime | GpuFleetRuntime>>;
export async function createDockerVllmRuntime(
  o: CreateDockerRuntimeOptions,
): Promise<CreatedDockerRuntime<DockerVllmRuntime | GpuFleetRuntime>> {
  const host = o.host ?? nodeDiscoveryHost();
  const discovery = await discoverEngine({ host });
  if (!discovery.ok) throw new DockerEngineError(discovery.problem);
  if (discovery.warning) o.logger.warn(`${discovery.warning.detail} ${discovery.warning.fix}`);
  const clients = createDockerClients(discovery.endpoint);
  const dirs = runtimeDirs(o.networkBase);
  const instance = await loadRuntimeInstance(dirs.root);
  const owned = new OwnedImages(dirs.imageRecord, o.logger, () => o.clock.now());
  const engineIsLocal =
    host.platform === 'linux' &&
    discovery.endpoint.kind === 'socket' &&
    !discovery.identity.dockerDesktop;
  const puller = new ImagePuller({
    clients,
    clock: o.clock,
    logger: o.logger,
    engineIsLocal,
    owned,
  });
  const probe = o.probeGpu ?? (() => probeGpus({ host: nodeLocateHost(), run: nodeRun }));
  let driverMajor: number | null = null;
  /** Every GPU now: the running sampler's readings, or a probe when it has none yet. */
  const readGpus = async (): Promise<GpuReading[] | null> => {
    let readings = o.gpuReadings?.() ?? [];
    if (readings.length === 0) {
      const p = await probe();
      if (!p.available) return null;
      driverMajor = p.driverMajor;
      readings = p.gpus;
    }
    driverMajor = parseDriverMajor(readings[0]?.driverVersion) ?? driverMajor;
    return readings;
  };

  const modelInstalled = async (plan: RuntimePlan) => {
    if (!o.models) return false;
    const m = o.models
      .approved()
      .find((a) => a.name === plan.model.name && a.revision === plan.model.revision);
    return m ? o.models.store.isInstalled(m) : false;
  };

  const allowList = new ImageAllowList(o.extraImages);
  if (o.extraImages?.length) {
    o.logger.warn(
      `The operator allows these runtime images besides vLLM's: ${o.extraImages.join(', ')}.`,
    );
  }
  const slot = (gpuMemory: DockerVllmRuntimeOptions['gpuMemory'], siblings = false) =>
    new DockerVllmRuntime({
      clients,
      puller,
      allowList,
      clock: o.clock,
      logger: o.logger,
      network: o.network,
      instance,
      cacheDirs: runtimeCacheDirs(o.networkBase, o.modelsVolume),
      ...(o.modelsVolume
        ? {
            modelsVolume: {
              name: o.modelsVolume.name,
              subpaths: engineMountsSubpaths(discovery.identity),
            },
          }
        : {}),
      gpuMemory,
      modelInstalled,
      driverMajor: () => driverMajor,
      owned,
      engineVersion: discovery.identity.version,
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      ...(o.simulated ? { simulated: true } : {}),
      ...o.extra,
      ...(siblings ? { supervisor: { ...o.extra?.supervisor, siblings: true } } : {}),
    });
  if (o.gpu === 'none') return { runtime: slot(null), discovery, clients };
  const runtime = new GpuFleetRuntime({
    logger: o.logger,
    dockerVersion: discovery.identity.version,
    allowList,
    readGpus,
    gate: (image) =>
      checkGpuBeforePull(
        {
          api: clients.api,
          probe,
          platform: host.platform,
          dockerDesktop: discovery.identity.dockerDesktop,
          hostPrograms: () =>
            engineIsLocal ? findPrograms(host, TOOLKIT_PROGRAMS) : Promise.resolve([]),
        },
        image,
      ),
    pull: async (plan, signal) => {
      if (plan.image) await puller.ensure({ image: plan.image, signal, onProgress: o.onProgress });
    },
    removeStale: () => removeStaleContainers(clients.api, o.network, o.logger, undefined, instance),
    makeSlot: (gpuMemory) => slot(gpuMemory, true),
  });
  return { runtime, discovery, clients };
}
