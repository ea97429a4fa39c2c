import { describe, expect, it } from 'vitest';
import { planGpuLayout, shareConcurrency } from '../../../src-main/core/runtime/gpu/gpu-layout.js';
import { recordedGpus } from '../../helpers/recorded-gpus.js';

const uuidsOf = (layout: ReturnType<typeof planGpuLayout>) =>
  layout.ok ? layout.groups.map((g) => g.map((x) => x.uuid)) : null;

describe('planGpuLayout on recorded nvidia-smi outputs', () => {
  it('1 GPU (RTX 4090): one container on it; a model larger than its free VRAM is refused before a start', () => {
    const gpus = recordedGpus('driver-580-rtx4090.csv');
    const fits = planGpuLayout(gpus, { minVramMb: 16_000, headroomMb: 1024 });
    expect(fits).toMatchObject({ ok: true, mode: 'per-gpu' });
    expect(uuidsOf(fits)).toEqual([['GPU-0f3a6d3e-2b1c-4a9d-8e7f-3c2b1a0d9e8f']]);
    const tooBig = planGpuLayout(gpus, { minVramMb: 30_000, headroomMb: 1024 });
    expect(tooBig).toMatchObject({ ok: false });
    if (!tooBig.ok)
      expect(tooBig.detail).toMatch(/needs 30000 MiB.*most any GPU here can give is \d+ MiB/);
  });

  it('2 GPUs (two A6000, GPU 1 busy): each GPU that holds the model alone gets its own container', () => {
    const gpus = recordedGpus('driver-550-two-gpus.csv');
    // GPU 1 has 12794 MiB free: enough for an 8 GB model after 1 GiB headroom, not for 20 GB.
    expect(uuidsOf(planGpuLayout(gpus, { minVramMb: 8_000, headroomMb: 1024 }))).toEqual([
      ['GPU-1b0c4e1e-0d0f-6c4b-9d57-0f6f1a1a7c21'],
      ['GPU-9e1c0b2a-5a5b-2d33-07a4-4b1a2c8f6d10'],
    ]);
    expect(uuidsOf(planGpuLayout(gpus, { minVramMb: 20_000, headroomMb: 1024 }))).toEqual([
      ['GPU-1b0c4e1e-0d0f-6c4b-9d57-0f6f1a1a7c21'],
    ]);
    // The operator's larger headroom takes GPU 1 out.
    expect(uuidsOf(planGpuLayout(gpus, { minVramMb: 8_000, headroomMb: 6_000 }))).toHaveLength(1);
  });

  it('4 GPUs (four L40S): four containers, or the smallest tensor-parallel group that holds a large model', () => {
    const gpus = recordedGpus('driver-570-four-l40s.csv');
    const four = planGpuLayout(gpus, { minVramMb: 30_000, headroomMb: 1024 });
    expect(four).toMatchObject({ ok: true, mode: 'per-gpu' });
    expect(uuidsOf(four)).toHaveLength(4);
    const two = planGpuLayout(gpus, { minVramMb: 70_000, headroomMb: 1024 });
    expect(two).toMatchObject({ ok: true, mode: 'tensor-parallel' });
    expect(uuidsOf(two)?.[0]).toHaveLength(2);
    const all = planGpuLayout(gpus, { minVramMb: 150_000, headroomMb: 1024 });
    expect(uuidsOf(all)?.[0]).toHaveLength(4);
    expect(planGpuLayout(gpus, { minVramMb: 200_000, headroomMb: 1024 }).ok).toBe(false);
  });

  it('tensor parallelism only across GPUs of the same kind (RTX 4090 + RTX 3090)', () => {
    const gpus = recordedGpus('driver-565-mixed-two.csv');
    const layout = planGpuLayout(gpus, { minVramMb: 30_000, headroomMb: 1024 });
    // Together they would hold it, but they are two kinds: refused, not split.
    expect(layout.ok).toBe(false);
    expect(uuidsOf(planGpuLayout(gpus, { minVramMb: 20_000, headroomMb: 1024 }))).toHaveLength(2);
  });

  it('no GPU: says so', () => {
    expect(planGpuLayout([], { headroomMb: 1024 })).toMatchObject({
      ok: false,
      detail: 'No NVIDIA GPU is available to the runtime.',
    });
  });
});

describe('shareConcurrency', () => {
  it("gives each container the network's max_num_seqs, split down to the operator's cap", () => {
    expect(shareConcurrency(1, 16, null)).toEqual([16]);
    expect(shareConcurrency(4, 16, null)).toEqual([16, 16, 16, 16]);
    expect(shareConcurrency(4, 16, 10)).toEqual([3, 3, 2, 2]);
    expect(shareConcurrency(2, 4, 100)).toEqual([4, 4]);
    expect(shareConcurrency(4, 16, 2)).toEqual([1, 1, 0, 0]);
  });
});
