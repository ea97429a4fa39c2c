import { describe, expect, it } from 'vitest';
import { planGpuMemory } from '../../../src-main/core/runtime/gpu/gpu-memory.js';
import { chooseImage, vllmTagAdvice } from '../../../src-main/core/runtime/gpu/driver-compat.js';
import type { RuntimeImage } from '../../../src-main/core/protocol/schemas/snapshot.js';

describe('--gpu-memory-utilization from FREE VRAM', () => {
  it('takes free minus headroom as a share of total', () => {
    // 24 GiB card, 1.9 GiB used by the desktop, 1 GiB headroom: (22275 − 1024) / 24564 = 0.865
    const plan = planGpuMemory({ totalMb: 24564, freeMb: 22275, headroomMb: 1024 });
    expect(plan.utilization).toBe(0.86);
    expect(plan.enough).toBe(true);
    expect(plan.usableMb).toBeLessThanOrEqual(22275 - 1024);
  });

  it('never asks for more than 0.95 even on an idle card', () => {
    expect(planGpuMemory({ totalMb: 49140, freeMb: 48662, headroomMb: 0 }).utilization).toBe(0.95);
  });

  it('clamps to 0.1 and reports not enough when a game holds the VRAM', () => {
    const plan = planGpuMemory({ totalMb: 12282, freeMb: 1500, headroomMb: 1024, minVramMb: 4000 });
    expect(plan.utilization).toBe(0.1);
    expect(plan.enough).toBe(false);
    expect(plan.detail).toMatch(/Not enough free GPU memory: 1500 MiB free/);
  });

  it('rounds down so rounding never exceeds free memory', () => {
    // (10000 − 0) / 10001 = 0.99990 → clamp .95; (5999 − 0)/10000 = 0.5999 → 0.59
    expect(planGpuMemory({ totalMb: 10000, freeMb: 5999, headroomMb: 0 }).utilization).toBe(0.59);
  });

  it('checks the model need against free minus headroom', () => {
    const plan = planGpuMemory({ totalMb: 24576, freeMb: 9000, headroomMb: 1000, minVramMb: 9000 });
    expect(plan.enough).toBe(false);
    expect(
      planGpuMemory({ totalMb: 24576, freeMb: 11000, headroomMb: 1000, minVramMb: 9000 }).enough,
    ).toBe(true);
  });
});

describe('image choice by driver', () => {
  const digest = (c: string) => `sha256:${c.repeat(64)}`;
  const images: RuntimeImage[] = [
    {
      id: 'cu129',
      repository: 'vllm/vllm-openai',
      tag: 'v0.11.0-cu129',
      digest: digest('a'),
      min_driver: 575,
    },
    {
      id: 'cu13',
      repository: 'vllm/vllm-openai',
      tag: 'v0.11.0',
      digest: digest('b'),
      min_driver: 580,
    },
  ];

  it('gives a 580 driver the CUDA 13 image', () => {
    expect(chooseImage(images, 580)).toMatchObject({ ok: true, image: { id: 'cu13' } });
  });

  it('gives a 575 driver the -cu129 image', () => {
    expect(chooseImage(images, 577)).toMatchObject({ ok: true, image: { id: 'cu129' } });
  });

  it('tells a 550 driver to update', () => {
    const choice = chooseImage(images, 550);
    expect(choice.ok).toBe(false);
    if (!choice.ok) {
      expect(choice.detail).toMatch(/driver 550 is older/);
      expect(choice.fix).toMatch(/580 or newer/);
    }
  });

  it('takes the least demanding image when the driver is unknown', () => {
    expect(chooseImage(images, null)).toMatchObject({ ok: true, image: { id: 'cu129' } });
  });

  it('advises tags by driver', () => {
    expect(vllmTagAdvice(581).tag).toMatch(/CUDA 13/);
    expect(vllmTagAdvice(575).tag).toBe('-cu129');
    expect(vllmTagAdvice(535).advice).toMatch(/too old/);
  });
});
