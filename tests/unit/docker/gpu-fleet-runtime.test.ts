import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/core/logger.js';
import type { GpuMemoryReading } from '../../../src-main/core/runtime/docker/docker-vllm-runtime.js';
import {
  GpuFleetRuntime,
  type SlotRuntime,
} from '../../../src-main/core/runtime/docker/gpu-fleet-runtime.js';
import type { GpuGateResult } from '../../../src-main/core/runtime/docker/gpu-gate.js';
import type { InferenceRequest, RuntimePlan } from '../../../src-main/core/runtime/runtime.js';
import { FakeRuntime } from '../agent/fakes/fake-runtime.js';
import { recordedGpus } from '../../helpers/recorded-gpus.js';

class FakeSlot extends FakeRuntime implements SlotRuntime {
  served = 0;
  constructor(readonly memory: () => Promise<GpuMemoryReading | null>) {
    super();
  }
  container() {
    return null;
  }
  override async infer() {
    this.served++;
    return {
      text: 'ok',
      finishReason: 'stop' as const,
      usage: { prompt_tokens: 1, completion_tokens: 1 },
      startedAt: 0,
      firstTokenAt: 0,
      finishedAt: 0,
    };
  }
}

const plan: RuntimePlan = {
  model: { name: 'org/m', servedName: 'm', revision: 'r1', maxModelLen: 4096, minVramMb: 20_000 },
  image: { repository: 'vllm/vllm-openai', tag: 'v0', digest: `sha256:${'a'.repeat(64)}` },
  maxNumSeqs: 16,
  gpuMemoryHeadroomMb: 1024,
};

function fleet(recording: string, gate: GpuGateResult = { ok: true, detail: 'fine' }) {
  const slots: FakeSlot[] = [];
  const pulls: string[] = [];
  const rt = new GpuFleetRuntime({
    logger: silentLogger,
    dockerVersion: '28.3.2',
    allowList: { check: () => undefined },
    readGpus: async () => recordedGpus(recording),
    gate: async () => gate,
    pull: async (p) => void pulls.push(p.image?.digest ?? ''),
    removeStale: async () => 0,
    makeSlot: (memory) => {
      const s = new FakeSlot(memory);
      slots.push(s);
      return s;
    },
  });
  return { rt, slots, pulls };
}

const request = (): InferenceRequest => ({
  jobId: 'j',
  model: 'm',
  kind: 'completion',
  prompt: 'hi',
  maxTokens: 4,
  signal: new AbortController().signal,
});

describe('GpuFleetRuntime', () => {
  it('4 GPUs: one container per GPU pinned by UUID, capacity is the sum, one failing takes only its share', async () => {
    const { rt, slots, pulls } = fleet('driver-570-four-l40s.csv');
    await rt.apply({ ...plan, jobsCap: 40 });
    expect(pulls).toHaveLength(1);
    expect(slots).toHaveLength(4);
    const mem = await Promise.all(slots.map((s) => s.memory()));
    expect(mem.map((m) => m?.uuids)).toEqual(
      recordedGpus('driver-570-four-l40s.csv').map((g) => [g.uuid]),
    );
    // 40 over four containers, each at most the network's 16.
    expect(slots.map((s) => s.plans.at(-1)?.maxNumSeqs)).toEqual([10, 10, 10, 10]);
    expect(rt.status().state).toBe('ready');
    expect(rt.capacity()).toBe(40);
    for (let i = 0; i < 8; i++) await rt.infer(request());
    expect(slots.every((s) => s.served > 0)).toBe(true);

    slots[2]?.setStatus({ state: 'failed', detail: 'The runtime exited (code 1).' });
    expect(rt.capacity()).toBe(30);
    expect(rt.status()).toMatchObject({ state: 'ready' });
    expect(rt.status().detail).toMatch(/3 of 4 runtime containers serve \(30 jobs at once\)/);
    const before = slots[2]?.served;
    for (let i = 0; i < 6; i++) await rt.infer(request());
    expect(slots[2]?.served).toBe(before);
  });

  it('a model no single GPU holds runs as one tensor-parallel container over GPUs of one kind', async () => {
    const { rt, slots } = fleet('driver-570-four-l40s.csv');
    await rt.apply({ ...plan, model: { ...plan.model, minVramMb: 70_000 } });
    expect(slots).toHaveLength(1);
    expect((await slots[0]?.memory())?.uuids).toHaveLength(2);
  });

  it('refuses before any pull when the GPU gate says no, keeping the raw error as the cause', async () => {
    const { rt, slots, pulls } = fleet('driver-580-rtx4090.csv', {
      ok: false,
      detail: 'This computer has no NVIDIA GPU or driver the runtime can use.',
      fix: 'Install the NVIDIA driver.',
      raw: 'nvidia-smi: command not found',
    });
    await expect(rt.apply(plan)).rejects.toThrow(/no NVIDIA GPU or driver/);
    expect(pulls).toEqual([]);
    expect(slots).toEqual([]);
    expect(rt.status()).toMatchObject({ state: 'failed', cause: 'nvidia-smi: command not found' });
  });

  it('refuses a model larger than every GPU before a start (min_vram_mb)', async () => {
    const { rt, pulls } = fleet('driver-580-rtx4090.csv');
    await expect(
      rt.apply({ ...plan, model: { ...plan.model, minVramMb: 40_000 } }),
    ).rejects.toThrow(/needs 40000 MiB/);
    expect(pulls).toEqual([]);
  });
});
