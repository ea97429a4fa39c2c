import type { ProgressDto } from '../contract/index.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { createDockerVllmRuntime } from '../core/runtime/docker/create-docker-runtime.js';
import type { Runtime } from '../core/runtime/runtime.js';
import type { DataDirs } from '../core/store/data-dirs.js';
import type { GpuSource } from '../service/gpu-source.js';

/**
 * Image pulls can start before the dashboard exists (it is served once the agent runs): keep
 * the latest report per transfer and hand them over when a sink attaches.
 */
export class ProgressRelay {
  private readonly latest = new Map<string, ProgressDto>();
  private sink: ((p: ProgressDto) => void) | null = null;

  readonly report = (p: ProgressDto): void => {
    if (this.sink) return this.sink(p);
    this.latest.set(p.id, p);
  };

  attach(sink: (p: ProgressDto) => void): void {
    this.sink = sink;
    for (const p of this.latest.values()) sink(p);
    this.latest.clear();
  }
}

export interface HeadlessDockerRuntimeOptions {
  dirs: DataDirs;
  clock: Clock;
  logger: Logger;
  /** Live GPU readings size vLLM's memory share; the probe runs when there are none yet. */
  gpu: Pick<GpuSource, 'latest'>;
  onProgress: (p: ProgressDto) => void;
}

/**
 * `--runtime docker`: the production runtime, as the desktop app runs it — vLLM in a Docker
 * container on this machine's NVIDIA GPU, image pinned by the network's configuration. Throws a
 * DockerEngineError that says what to do when Docker is missing or stopped.
 */
export async function createHeadlessDockerRuntime(
  o: HeadlessDockerRuntimeOptions,
): Promise<Runtime> {
  const { runtime } = await createDockerVllmRuntime({
    networkBase: o.dirs.base,
    network: o.dirs.network,
    clock: o.clock,
    logger: o.logger,
    gpu: 'nvidia',
    gpuReadings: () => o.gpu.latest(),
    onProgress: ({ layers: _layers, ...p }) => o.onProgress(p),
  });
  return runtime;
}
