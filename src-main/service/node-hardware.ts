import type { HardwareProfile } from '../core/protocol/index.js';
import type { Runtime } from '../core/runtime/runtime.js';
import { hardwareProfile } from '../core/system/hardware-profile.js';
import type { GpuSource } from './gpu-source.js';

/**
 * This machine as the network sees it, read afresh for the registration and every heartbeat:
 * every GPU the probe and sampler found (name, UUID, VRAM, driver, compute capability), the
 * container engine's version when the runtime runs in one, and the OS.
 */
export function nodeHardware(
  gpu: Pick<GpuSource, 'ready' | 'readings'>,
  runtime: Pick<Runtime, 'dockerVersion'>,
): () => Promise<HardwareProfile> {
  return async () => {
    // The first registration may come before the background probe finished.
    await gpu.ready;
    return hardwareProfile({ gpus: gpu.readings(), dockerVersion: runtime.dockerVersion ?? null });
  };
}
