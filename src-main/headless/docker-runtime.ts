import type { ProgressDto } from '../contract/index.js';
import type { Runtime } from '../core/runtime/runtime.js';
import {
  createNvidiaDockerRuntime,
  type NvidiaDockerRuntimeOptions,
} from '../service/nvidia-docker-runtime.js';

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

export type HeadlessDockerRuntimeOptions = Omit<NvidiaDockerRuntimeOptions, 'onProgress'> & {
  onProgress: (p: ProgressDto) => void;
};

/**
 * `--runtime docker`: the production runtime, as the desktop app runs it (see
 * createNvidiaDockerRuntime); progress goes to the dashboard without the per-layer detail.
 */
export function createHeadlessDockerRuntime(o: HeadlessDockerRuntimeOptions): Promise<Runtime> {
  return createNvidiaDockerRuntime({
    ...o,
    onProgress: ({ layers: _layers, ...p }) => o.onProgress(p),
  });
}
