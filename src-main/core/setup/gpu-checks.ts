import type { GpuProbe } from '../runtime/gpu/gpu-probe.js';
import { CUDA129_MIN_DRIVER, CUDA13_MIN_DRIVER } from '../runtime/gpu/driver-compat.js';
import { planGpuMemory } from '../runtime/gpu/gpu-memory.js';
import type { GpuReading } from '../runtime/gpu/nvidia-smi-query.js';
import { check, type SetupCheck } from './setup-check.js';

const gb = (mb: number) => `${(mb / 1024).toFixed(1)} GB`;

/** The GPU the runtime would use: the one with the most free memory. */
export function bestGpu(gpus: readonly GpuReading[]): GpuReading | null {
  return [...gpus].sort((a, b) => (b.memoryFreeMb ?? 0) - (a.memoryFreeMb ?? 0))[0] ?? null;
}

export function driverCheck(probe: GpuProbe): SetupCheck {
  if (!probe.available) return check('nvidia_driver', 'fail', probe.reason, probe.fix);
  const names = probe.gpus
    .map((g) => `${g.name} (${g.memoryTotalMb === null ? '?' : gb(g.memoryTotalMb)})`)
    .join(', ');
  const seen = `NVIDIA driver ${probe.driverVersion ?? 'of unknown version'} with ${names}.`;
  const major = probe.driverMajor;
  if (major === null)
    return check(
      'nvidia_driver',
      'warn',
      `${seen} Its version could not be read.`,
      'Update the NVIDIA driver to 580 or newer.',
    );
  if (major < CUDA129_MIN_DRIVER) {
    return check(
      'nvidia_driver',
      'fail',
      `${seen} Driver ${major} is too old for current vLLM images.`,
      `Update the NVIDIA driver to ${CUDA13_MIN_DRIVER} or newer and restart the computer.`,
    );
  }
  if (major < CUDA13_MIN_DRIVER) {
    return check(
      'nvidia_driver',
      'warn',
      `${seen} It runs the CUDA 12.9 (-cu129) vLLM images only.`,
      `Update the NVIDIA driver to ${CUDA13_MIN_DRIVER} or newer to run the default CUDA 13 images.`,
    );
  }
  return check('nvidia_driver', 'pass', seen);
}

export function vramCheck(
  probe: GpuProbe,
  headroomMb: number,
  modelMinVramMb: number | null,
): SetupCheck {
  if (!probe.available) return check('vram', 'unknown', 'No NVIDIA GPU to measure.');
  const gpu = bestGpu(probe.gpus);
  if (!gpu || gpu.memoryTotalMb === null || gpu.memoryFreeMb === null) {
    return check('vram', 'unknown', 'nvidia-smi did not report the GPU memory.');
  }
  const need = modelMinVramMb ?? 0;
  if (gpu.memoryTotalMb < need) {
    return check(
      'vram',
      'fail',
      `${gpu.name} has ${gb(gpu.memoryTotalMb)} of memory; the model needs ${gb(need)}.`,
      'This GPU is too small for the approved model; a GPU with more memory is needed.',
    );
  }
  const plan = planGpuMemory({
    totalMb: gpu.memoryTotalMb,
    freeMb: gpu.memoryFreeMb,
    headroomMb,
    minVramMb: need,
  });
  const seen = `${gb(gpu.memoryFreeMb)} free of ${gb(gpu.memoryTotalMb)} on ${gpu.name}, ${gb(headroomMb)} kept for other apps.`;
  if (!plan.enough) return check('vram', 'warn', `${seen} ${plan.detail}`);
  return check(
    'vram',
    'pass',
    `${seen} vLLM may use ${gb(plan.usableMb)} (--gpu-memory-utilization ${plan.utilization}).`,
  );
}
