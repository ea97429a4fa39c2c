import os from 'node:os';
import type { HardwareProfile } from '../protocol/index.js';
import type { GpuReading } from '../runtime/gpu/nvidia-smi-query.js';

export interface HardwareSources {
  /** GPUs found by the probe; [] without an NVIDIA GPU. */
  gpus: GpuReading[];
  /** `docker version` server version, or null when Docker is not used or not running. */
  dockerVersion: string | null;
  /** Injectable for tests; defaults to the real machine. */
  os?: Pick<typeof os, 'platform' | 'arch' | 'cpus' | 'totalmem' | 'release'>;
}

/** The static description of this machine sent at registration. */
export function hardwareProfile(src: HardwareSources): HardwareProfile {
  const sys = src.os ?? os;
  const cpus = sys.cpus();
  return {
    os: `${sys.platform()} ${sys.release()}`.slice(0, 64),
    arch: sys.arch(),
    cpu_model: (cpus[0]?.model ?? 'unknown').trim().slice(0, 200),
    cpu_cores: Math.max(1, cpus.length),
    memory_total_mb: Math.floor(sys.totalmem() / 1048576),
    gpus: src.gpus.map((g) => ({
      index: g.index,
      uuid: g.uuid,
      name: g.name,
      memory_total_mb: g.memoryTotalMb ?? 0,
      driver_version: g.driverVersion,
      compute_cap: g.computeCap,
    })),
    docker_version: src.dockerVersion,
  };
}
