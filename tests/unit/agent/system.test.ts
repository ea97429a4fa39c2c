import { describe, expect, it } from 'vitest';
import { HardwareProfile, GpuStatus } from '../../../src-main/core/protocol/index.js';
import { samplerFromReadings, nullGpuSampler } from '../../../src-main/core/system/gpu-status.js';
import { hardwareProfile } from '../../../src-main/core/system/hardware-profile.js';
import { osMemory } from '../../../src-main/core/system/memory.js';
import type { GpuReading } from '../../../src-main/core/runtime/gpu/nvidia-smi-query.js';

const reading: GpuReading = {
  index: 0,
  uuid: 'GPU-1234',
  name: 'NVIDIA GeForce RTX 4090',
  memoryTotalMb: 24564,
  memoryUsedMb: 812,
  memoryFreeMb: 23752,
  utilizationPct: 3,
  temperatureC: 41,
  powerW: null,
  powerLimitW: 450,
  driverVersion: '580.65.06',
  computeCap: '8.9',
};

describe('system readers', () => {
  it('a machine without NVIDIA reports no GPUs', () => {
    expect(nullGpuSampler.sample()).toEqual([]);
  });

  it('maps nvidia-smi readings to heartbeat GPU status, keeping [N/A] as null', () => {
    const [status] = samplerFromReadings({ latest: () => [reading] }).sample();
    expect(GpuStatus.safeParse(status).success).toBe(true);
    expect(status).toEqual({
      index: 0,
      utilization_pct: 3,
      memory_used_mb: 812,
      memory_total_mb: 24564,
      temperature_c: 41,
      power_w: null,
    });
  });

  it('builds a registration hardware profile that passes the protocol schema', () => {
    const profile = hardwareProfile({
      gpus: [reading],
      dockerVersion: '27.5.1',
      os: {
        platform: () => 'linux',
        release: () => '6.1.0-28-amd64',
        arch: () => 'x64',
        cpus: () => [{ model: ' AMD Ryzen 9 7950X ' }, { model: 'x' }] as never,
        totalmem: () => 64 * 1024 ** 3,
      },
    });
    expect(HardwareProfile.safeParse(profile).success).toBe(true);
    expect(profile).toMatchObject({
      os: 'linux 6.1.0-28-amd64',
      cpu_model: 'AMD Ryzen 9 7950X',
      cpu_cores: 2,
      memory_total_mb: 65536,
      gpus: [{ uuid: 'GPU-1234', memory_total_mb: 24564, driver_version: '580.65.06' }],
      docker_version: '27.5.1',
    });
  });

  it('reads memory from the OS', () => {
    const m = osMemory();
    expect(m.total_mb).toBeGreaterThan(0);
    expect(m.free_mb).toBeLessThanOrEqual(m.total_mb);
  });
});
