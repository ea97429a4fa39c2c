import { describe, expect, it } from 'vitest';
import { createLogger, type LogEntry } from '../../../src-main/core/logger.js';
import { NetworkClock } from '../../../src-main/core/network/network-clock.js';
import type { Job } from '../../../src-main/core/protocol/index.js';

const NOW = 1_800_000_000_000;
const job: Job = {
  job_id: 'j1',
  model: 'm',
  kind: 'completion',
  prompt: 'p',
  max_tokens: 4,
  assigned_at: NOW - 600_000,
  deadline_at: NOW - 600_000 + 30_000,
};

function make() {
  const logs: LogEntry[] = [];
  const clock = new NetworkClock(
    createLogger([(e) => logs.push(e)], { minLevel: 'debug' }),
    () => 30_000,
  );
  return { clock, warnings: () => logs.filter((l) => l.level === 'warn').map((l) => l.message) };
}

describe('NetworkClock', () => {
  it('reads job times of a network 10 minutes behind on the local clock, and says so', () => {
    const { clock, warnings } = make();
    // Request sent at NOW, answered at NOW + 200: midpoint NOW + 100.
    clock.observe(NOW + 100 - 600_000, NOW, NOW + 200);
    expect(clock.offsetMs).toBe(-600_000);
    const local = clock.toLocal(job);
    expect(local.assigned_at).toBe(NOW);
    expect(local.deadline_at).toBe(NOW + 30_000);
    expect(local.deadline_at).toBeGreaterThan(NOW); // not "deadline passed"
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatch(/network's clock is 600 s behind this machine's/);
    // The same offset again is not warned about at every heartbeat.
    clock.observe(NOW - 600_000, NOW);
    expect(warnings()).toHaveLength(1);
  });

  it('warns about a network clock ahead as well, and leaves jobs alone without an offset', () => {
    const { clock, warnings } = make();
    expect(clock.toLocal(job)).toBe(job);
    clock.observe(NOW + 600_000, NOW);
    expect(warnings()[0]).toMatch(/600 s ahead of this machine's/);
    expect(clock.toLocal({ ...job, deadline_at: NOW + 630_000 }).deadline_at).toBe(NOW + 30_000);
    clock.observe(NOW + 1000, NOW);
    expect(clock.toLocal(job).assigned_at).toBe(job.assigned_at - 1000);
    expect(warnings()).toHaveLength(1);
  });
});
