import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/core/logger.js';
import { GpuLimits, type GpuLimitSettings } from '../../../src-main/core/pause/gpu-limits.js';
import { PauseController } from '../../../src-main/core/pause/pause-controller.js';
import { jobsCapOf } from '../../../src-main/core/agent/agent-pauses.js';
import type { GpuReading } from '../../../src-main/core/runtime/gpu/nvidia-smi-query.js';
import { PowerEnvelope } from '../../../src-main/core/protocol/index.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { recordedGpus } from '../../helpers/recorded-gpus.js';

const limitsOn: GpuLimitSettings = {
  thermal: { enabled: true, maxTempC: 83 },
  power: { enabled: true, capW: 300 },
};

/** Two recorded A6000s; the test sets the second one's temperature and power each second. */
function setup(settings = limitsOn) {
  const clock = new ManualClock();
  const pauses = new PauseController(clock);
  let gpus: GpuReading[] = recordedGpus('driver-550-two-gpus.csv');
  const limits = new GpuLimits({
    clock,
    pauses,
    readings: () => gpus,
    pauseAfterMs: 30_000,
    clearAfterMs: 20_000,
    log: silentLogger,
  });
  const reducing: boolean[] = [];
  limits.onReducing((r) => reducing.push(r));
  limits.configure(settings);
  /** `seconds` of samples at this temperature / power on GPU 1. */
  const run = (seconds: number, temperatureC: number, powerW = 200) => {
    for (let i = 0; i < seconds; i++) {
      clock.advance(1000);
      gpus = gpus.map((g) => (g.index === 1 ? { ...g, temperatureC, powerW } : g));
      limits.observe();
    }
  };
  return { clock, pauses, limits, reducing, run };
}

describe('GpuLimits (temperature ceiling, power cap)', () => {
  it('lowers concurrency first, pauses when it stays hot, and steps back with hysteresis', () => {
    const { pauses, limits, reducing, run } = setup();
    run(5, 80);
    expect(limits.reducing()).toBe(false);
    run(1, 86);
    expect(limits.reducing()).toBe(true);
    expect(pauses.state().paused).toBe(false);
    run(29, 86);
    expect(pauses.state().paused).toBe(false); // 29 s over, while running fewer jobs
    run(1, 86);
    expect(pauses.state().requests).toMatchObject([
      {
        source: 'thermal',
        reason: 'the GPU is at 86 °C (your limit 83 °C)',
        resumes: 'resumes once it stays at 78 °C or cooler for 20 s',
      },
    ]);
    run(60, 80); // under the limit but not 5 °C under: stays paused
    expect(pauses.state().paused).toBe(true);
    run(20, 78); // 20 samples span 19 s
    expect(pauses.state().paused).toBe(true);
    run(1, 78);
    expect(pauses.state().paused).toBe(false);
    expect(limits.reducing()).toBe(true); // back to serving, still with fewer jobs
    run(21, 78);
    expect(limits.reducing()).toBe(false);
    expect(reducing).toEqual([true, false]);
  });

  it('a dip under the limit restarts the wait before the pause', () => {
    const { pauses, run } = setup();
    run(25, 90);
    run(1, 82);
    run(25, 90);
    expect(pauses.state().paused).toBe(false);
    run(6, 90);
    expect(pauses.state().paused).toBe(true);
  });

  it('the power cap works the same on the draw (90 % of the cap to clear)', () => {
    const { pauses, limits, run } = setup();
    run(31, 60, 320);
    expect(pauses.state().requests[0]).toMatchObject({
      source: 'power',
      reason: 'the GPU draws 320 W (your cap 300 W)',
    });
    run(30, 60, 280); // under the cap, not under 270 W
    expect(pauses.state().paused).toBe(true);
    run(21, 60, 270);
    expect(pauses.state().paused).toBe(false);
    expect(limits.reducing()).toBe(true);
  });

  it('turning a limit off withdraws its pause and reduction; off limits do nothing', () => {
    const { pauses, limits, run } = setup();
    run(31, 90);
    expect(pauses.state().paused).toBe(true);
    limits.configure({ ...limitsOn, thermal: { enabled: false, maxTempC: 83 } });
    expect(pauses.state().paused).toBe(false);
    expect(limits.reducing()).toBe(false);
    run(100, 95);
    expect(pauses.state().paused).toBe(false);
  });

  it('reports the envelope the protocol describes (driver limit from the GPUs, reduced figure only while reducing)', () => {
    const { limits, run } = setup();
    expect(limits.envelope(4)).toEqual({
      power_cap_w: 300,
      temperature_ceiling_c: 83,
      driver_power_limit_w: 300,
      reduced_concurrency: null,
    });
    run(1, 90);
    const e = limits.envelope(4);
    expect(e?.reduced_concurrency).toBe(4);
    expect(PowerEnvelope.safeParse(e).success).toBe(true);
    const off = setup({
      thermal: { enabled: false, maxTempC: 83 },
      power: { enabled: false, capW: null },
    });
    expect(off.limits.envelope(null)).toMatchObject({
      power_cap_w: null,
      temperature_ceiling_c: null,
    });
  });
});

describe('jobsCapOf', () => {
  const config = { snapshot: () => ({ snapshot: { runtime: { max_num_seqs: 16 } } }) } as never;
  const deps = (reducing: boolean, cap: number | null) =>
    ({
      runtime: {},
      operator: () => ({ maxConcurrentJobs: cap, gpuMemoryHeadroomMb: 0 }),
      gpuLimits: { reducing: () => reducing, envelope: () => null },
    }) as never;
  it("halves the node's jobs at once while near a limit, never below 1", () => {
    expect(jobsCapOf(deps(false, null), config)).toBe(null);
    expect(jobsCapOf(deps(true, null), config)).toBe(8);
    expect(jobsCapOf(deps(true, 6), config)).toBe(3);
    expect(jobsCapOf(deps(true, 1), config)).toBe(1);
  });
});
