import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SessionAnnouncer } from '../../../src-main/core/agent/session-announcer.js';
import { runtimePlanFor } from '../../../src-main/core/config/runtime-plan.js';
import { silentLogger } from '../../../src-main/core/logger.js';
import { MemorySettingsStore, UiService } from '../../../src-main/service/index.js';
import { limitsRestartRuntime } from '../../../src-main/service/operator-limits.js';
import { defaultSnapshot } from '../../../src-main/devnet/io/default-snapshot.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { FakeAgent, defaultSettings, fakeHost } from './fakes.js';

// The devnet's snapshot: max_num_seqs and gpu_memory_headroom_mb set by the network.
const snapshot = defaultSnapshot('local', {
  runtime: {
    engine: 'vllm',
    images: defaultSnapshot().runtime.images,
    max_num_seqs: 16,
    gpu_memory_headroom_mb: 1024,
  },
});
const limits = (maxConcurrentJobs: number | null, gpuMemoryHeadroomMb: number) => ({
  maxConcurrentJobs,
  gpuMemoryHeadroomMb,
});

describe("the operator's limits in the runtime plan", () => {
  it('the cap lowers --max-num-seqs, never raises it; the larger headroom is kept free', () => {
    const plan = (operator?: ReturnType<typeof limits>) =>
      runtimePlanFor(snapshot, { driverMajor: 580, ...(operator ? { operator } : {}) });
    expect(plan()).toMatchObject({ maxNumSeqs: 16, gpuMemoryHeadroomMb: 1024 });
    expect(plan(limits(4, 6144))).toMatchObject({ maxNumSeqs: 4, gpuMemoryHeadroomMb: 6144 });
    expect(plan(limits(64, 256))).toMatchObject({ maxNumSeqs: 16, gpuMemoryHeadroomMb: 1024 });
    expect(plan(limits(null, 2048))).toMatchObject({ maxNumSeqs: 16, gpuMemoryHeadroomMb: 2048 });
  });

  it('only a change of the command line restarts the runtime', () => {
    const s = (cap: number | null, headroom: number) => ({
      ...defaultSettings,
      maxConcurrentJobs: cap,
      gpuMemoryHeadroomMb: headroom,
    });
    expect(limitsRestartRuntime(snapshot, s(null, 1024), s(8, 1024))).toBe(true);
    expect(limitsRestartRuntime(snapshot, s(null, 1024), s(null, 4096))).toBe(true);
    // Below the network's headroom: the same command line.
    expect(limitsRestartRuntime(snapshot, s(null, 1024), s(null, 512))).toBe(false);
    // A cap above max_num_seqs can still change the shares of several GPUs' containers.
    expect(limitsRestartRuntime(snapshot, s(null, 1024), s(32, 1024))).toBe(true);
    expect(limitsRestartRuntime(null, s(null, 1024), s(8, 1024))).toBe(false);
  });

  it('the job session announces the slots (network, lowered by the cap, or the sum over its GPUs) plus a window, never above the cap', () => {
    let cap: number | null = 4;
    let capacity: number | null = null;
    const announcer = new SessionAnnouncer({
      config: { snapshot: () => ({ snapshot }) } as never,
      link: { state: 'ready', reconnect: () => undefined } as never,
      runtime: {
        status: () => ({ state: 'ready' }),
        capacity: () => capacity,
      } as never,
      journal: undefined,
      cap: () => cap,
      online: () => true,
      log: silentLogger,
    });
    // 4 slots (--max-num-seqs 4): never more than the cap, queue window or not.
    expect(announcer.concurrency()).toBe(4);
    // Above the network's 16 slots the cap changes nothing: 16 + a window of 2.
    cap = 64;
    expect(announcer.concurrency()).toBe(18);
    cap = null;
    expect(announcer.concurrency()).toBe(18);
    capacity = 24; // two GPUs, 12 slots each: 24 + a window of 3
    expect(announcer.concurrency()).toBe(27);
  });
});

describe('saving limits that restart the runtime under running jobs', () => {
  it('is refused with confirm_restart until the operator confirms; nothing is saved before', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'limits-'));
    const agent = new FakeAgent();
    const restarts: boolean[] = [];
    agent.restartsRuntime = (prev, next) => {
      const r = prev.maxConcurrentJobs !== next.maxConcurrentJobs;
      restarts.push(r);
      return r;
    };
    const store = new MemorySettingsStore(defaultSettings);
    const service = await UiService.create({
      agent,
      host: fakeHost(dir),
      settingsStore: store,
      clock: new ManualClock(),
      logger: silentLogger,
    });
    try {
      agent.countersValue = { in_flight: 2, completed_total: 0, failed_total: 0 };
      const appliedBefore = agent.applied.length;
      await expect(
        service.invoke('updateSettings', { maxConcurrentJobs: 2 }),
      ).rejects.toMatchObject({ code: 'confirm_restart', message: /2 jobs are running/ });
      expect(await store.load()).toEqual(defaultSettings);
      expect(agent.applied).toHaveLength(appliedBefore);
      // A change that restarts nothing needs no confirmation.
      await service.invoke('updateSettings', { theme: 'dark' });
      const saved = await service.invoke('updateSettings', {
        maxConcurrentJobs: 2,
        confirmRestart: true,
      });
      expect(saved.maxConcurrentJobs).toBe(2);
      expect(saved).not.toHaveProperty('confirmRestart');
      expect(await store.load()).not.toHaveProperty('confirmRestart');
      expect(agent.applied.at(-1)?.maxConcurrentJobs).toBe(2);
      // No jobs running: no question.
      agent.countersValue = { in_flight: 0, completed_total: 0, failed_total: 0 };
      await service.invoke('updateSettings', { maxConcurrentJobs: 3 });
      expect(restarts).toEqual([true, false]); // asked only while jobs ran and no yes was given
    } finally {
      service.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
