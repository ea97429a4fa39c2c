import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyGpuError } from '../../../src-main/core/runtime/docker/gpu-errors.js';

const fixture = (name: string) =>
  readFileSync(path.resolve('tests/fixtures/docker-errors', name), 'utf8');

describe('GPU error mapping (recorded engine and runtime texts)', () => {
  it('no NVIDIA runtime in Docker → install the Container Toolkit and restart Docker', () => {
    // Recorded from this CI engine, which has no NVIDIA runtime.
    const p = classifyGpuError(fixture('start-no-nvidia-driver.txt'), 580);
    expect(p?.code).toBe('toolkit_missing');
    expect(p?.fix).toMatch(/Install the NVIDIA Container Toolkit.*restart Docker/);
  });

  it('a CUDA 13 image on driver 575 → the -cu129 image or a driver ≥ 580', () => {
    const p = classifyGpuError(fixture('start-cuda13-on-driver-575.txt'), 575);
    expect(p?.code).toBe('driver_too_old');
    expect(p?.detail).toContain('needs CUDA 13.0');
    expect(p?.fix).toMatch(/580 or newer, or use a vLLM image tagged -cu129/);
  });

  it('a CUDA 13 image on driver 550 → upgrade the driver', () => {
    const p = classifyGpuError(fixture('start-cuda13-on-driver-575.txt'), 550);
    expect(p?.fix).toMatch(/^Update the NVIDIA driver to 580 or newer/);
    expect(p?.fix).not.toMatch(/or use a vLLM image/);
  });

  it("vLLM's own 'CUDA driver version is insufficient' → driver upgrade", () => {
    expect(classifyGpuError(fixture('vllm-cuda-driver-insufficient.txt'), 535)?.code).toBe(
      'driver_too_old',
    );
  });

  it('driver not loaded, WSL without adapters, lost NVML, VRAM taken', () => {
    expect(classifyGpuError(fixture('start-driver-not-loaded.txt'), null)?.code).toBe(
      'driver_not_loaded',
    );
    expect(classifyGpuError(fixture('start-wsl-no-adapters.txt'), null)?.code).toBe('wsl_no_gpu');
    expect(classifyGpuError(fixture('nvidia-smi-nvml-unknown.txt'), null)?.code).toBe('nvml_lost');
    expect(classifyGpuError(fixture('vllm-oom-at-start.txt'), null)?.code).toBe('vram_busy');
  });

  it('leaves unrelated text alone', () => {
    expect(classifyGpuError('INFO: Uvicorn running on http://0.0.0.0:8000', 580)).toBeNull();
  });
});
