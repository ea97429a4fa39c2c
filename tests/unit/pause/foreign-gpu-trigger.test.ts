import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/core/logger.js';
import { ForeignGpuTrigger } from '../../../src-main/core/pause/foreign-gpu-trigger.js';
import { PauseController } from '../../../src-main/core/pause/pause-controller.js';
import {
  parseComputeApps,
  type ComputeApp,
} from '../../../src-main/core/runtime/gpu/compute-apps.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const UUID = 'GPU-0f3a6d3e-2b1c-4a9d-8e7f-3c2b1a0d9e8f';
const vllm: ComputeApp = {
  pid: 4100,
  processName: '/usr/bin/python3',
  usedMemoryMb: 20000,
  gpuUuid: UUID,
};
const blender: ComputeApp = {
  pid: 7001,
  processName: '/opt/blender/blender',
  usedMemoryMb: 3000,
  gpuUuid: UUID,
};

/** A GPU whose process list and container PIDs the test sets; the trigger polls it every 1 s. */
function setup() {
  const clock = new ManualClock();
  const pauses = new PauseController(clock);
  const gpu = { apps: [] as ComputeApp[], own: new Set<number>(), ownAsks: 0, resuming: false };
  const trigger = new ForeignGpuTrigger({
    clock,
    pauses,
    listApps: async () => gpu.apps,
    ownPids: async () => {
      gpu.ownAsks += 1;
      return new Set(gpu.own);
    },
    resuming: () => gpu.resuming,
    pollMs: 1000,
    confirmPolls: 2,
    settleMs: 10_000,
    log: silentLogger,
  });
  trigger.start();
  const paused = () => pauses.state().paused;
  return { clock, pauses, gpu, trigger, paused };
}

describe('ForeignGpuTrigger', () => {
  it('pauses for a foreign process seen twice in a row, and resumes only after the settle delay', async () => {
    const { clock, pauses, gpu, paused } = setup();
    await clock.advanceAsync(3000, 1000);
    expect(paused()).toBe(false);
    gpu.apps = [blender];
    await clock.advanceAsync(1000);
    expect(paused()).toBe(false); // seen once: not yet
    await clock.advanceAsync(1000);
    expect(pauses.state().requests).toMatchObject([
      {
        source: 'foreign-gpu-process',
        reason: 'blender is using the GPU',
        resumes: 'resumes when it closes',
      },
    ]);
    gpu.apps = [];
    await clock.advanceAsync(9000, 1000);
    expect(paused()).toBe(true); // 9 s free: still settling
    gpu.apps = [blender]; // it flickers back: the settle starts over
    await clock.advanceAsync(1000);
    gpu.apps = [];
    await clock.advanceAsync(9000, 1000);
    expect(paused()).toBe(true);
    await clock.advanceAsync(2000, 1000);
    expect(paused()).toBe(false);
  });

  it("ignores the node's own container processes, asking the engine only about new PIDs", async () => {
    const { clock, gpu, paused } = setup();
    gpu.own = new Set([vllm.pid]);
    gpu.apps = [vllm];
    await clock.advanceAsync(10_000, 1000);
    expect(paused()).toBe(false);
    expect(gpu.ownAsks).toBe(1);
    gpu.apps = [vllm, blender];
    await clock.advanceAsync(2000, 1000);
    expect(paused()).toBe(true);
  });

  it('a process once ours stays ours while it lingers on the GPU after its container is gone', async () => {
    const { clock, gpu, paused } = setup();
    gpu.own = new Set([vllm.pid]);
    gpu.apps = [vllm];
    await clock.advanceAsync(2000, 1000);
    gpu.own = new Set(); // the container stopped; its process still holds VRAM for a while
    await clock.advanceAsync(5000, 1000);
    expect(paused()).toBe(false);
  });

  it('while paused (our runtime stopped) a new runtime process is recognised, never a reason to pause again', async () => {
    const { clock, gpu, paused } = setup();
    gpu.apps = [blender];
    await clock.advanceAsync(2000, 1000);
    expect(paused()).toBe(true);
    gpu.apps = [];
    await clock.advanceAsync(11_000, 1000);
    expect(paused()).toBe(false);
    // The runtime starts again with a new PID, listed by the engine as ours.
    const restarted = { ...vllm, pid: 4200 };
    gpu.own = new Set([restarted.pid]);
    gpu.apps = [restarted];
    await clock.advanceAsync(5000, 1000);
    expect(paused()).toBe(false);
  });

  it('an nvidia-smi failure changes nothing; stop() withdraws the request', async () => {
    const { clock, gpu, trigger, paused } = setup();
    gpu.apps = [blender];
    await clock.advanceAsync(2000, 1000);
    expect(paused()).toBe(true);
    (gpu as { apps: ComputeApp[] | null }).apps = null;
    await clock.advanceAsync(30_000, 1000);
    expect(paused()).toBe(true);
    trigger.stop();
    expect(paused()).toBe(false);
    expect(clock.pending).toBe(0);
  });

  it('a program that comes back each time the runtime starts again is taken for the runtime (no endless pause loop)', async () => {
    const { clock, gpu, paused } = setup();
    // Docker Desktop: the runtime's process shows with a PID the engine does not list.
    const disguised = { ...vllm, pid: 9001 };
    for (let cycle = 0; cycle < 2; cycle++) {
      gpu.apps = [disguised];
      await clock.advanceAsync(2000, 1000);
      expect(paused()).toBe(true);
      gpu.apps = []; // the pause stopped the runtime: its process is gone
      await clock.advanceAsync(11_000, 1000);
      expect(paused()).toBe(false);
      gpu.resuming = true; // …and starting it again brings the process back
    }
    gpu.apps = [disguised];
    await clock.advanceAsync(5000, 1000);
    expect(paused()).toBe(false);
    // A different program still pauses the node.
    gpu.resuming = false;
    gpu.apps = [disguised, blender];
    await clock.advanceAsync(2000, 1000);
    expect(paused()).toBe(true);
  });

  it('the same program again while the node serves (not resuming) always pauses', async () => {
    const { clock, gpu, paused } = setup();
    for (let cycle = 0; cycle < 4; cycle++) {
      gpu.apps = [blender];
      await clock.advanceAsync(2000, 1000);
      expect(paused()).toBe(true);
      gpu.apps = [];
      await clock.advanceAsync(11_000, 1000);
      expect(paused()).toBe(false);
    }
  });

  it('names several programs', async () => {
    const { clock, gpu, pauses } = setup();
    gpu.apps = [blender, { ...blender, pid: 7002, processName: 'C:\\Games\\game.exe' }];
    await clock.advanceAsync(2000, 1000);
    expect(pauses.state().requests[0]?.reason).toBe(
      'blender and 1 other program are using the GPU',
    );
  });
});

describe('parseComputeApps', () => {
  it('reads rows (names with commas too) and skips empty or message lines', () => {
    const out =
      `4100, /usr/bin/python3, 20480, ${UUID}\n` +
      `7001, /opt/my, app/render, [N/A], ${UUID}\r\n` +
      'No running processes found\n\n';
    expect(parseComputeApps(out)).toEqual([
      { pid: 4100, processName: '/usr/bin/python3', usedMemoryMb: 20480, gpuUuid: UUID },
      { pid: 7001, processName: '/opt/my, app/render', usedMemoryMb: null, gpuUuid: UUID },
    ]);
    expect(parseComputeApps('')).toEqual([]);
  });
});
