import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src-main/core/logger.js';
import { StatusRecorder } from '../../../src-main/core/status/status-recorder.js';
import { Timeline, TIMELINE_WINDOW_MS } from '../../../src-main/core/status/timeline.js';
import { Totals } from '../../../src-main/core/status/totals.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const DAY = 24 * 3600_000;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'status-rec-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const job = (kind: 'completed' | 'failed' | 'rejected' | 'acked', over = {}) => ({
  kind,
  jobId: `j-${Math.random()}`,
  model: 'm',
  at: 0,
  ...over,
});

describe('StatusRecorder', () => {
  it('keeps totals and the timeline across a restart; refusals and the test task do not count', async () => {
    const clock = new ManualClock(new Date(2026, 11, 2, 12).getTime());
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (m: string) => warnings.push(m) };
    const rec = await StatusRecorder.open({ dir, clock, logger: logger as typeof silentLogger });
    rec.setRunning(true);
    rec.recordServing('serving', 'Serving jobs');
    rec.onJob(job('completed', { completionTokens: 20 }));
    rec.onJob(job('completed', { completionTokens: 5 }));
    rec.onJob(job('failed'));
    rec.onJob(job('rejected'));
    rec.onJob(job('completed', { completionTokens: 99, test: true, jobId: 't1' }));
    rec.onJob(job('acked', { outcome: 'accepted', jobId: 't1' }));
    rec.onJob(job('acked', { outcome: 'accepted' }));
    clock.advance(10_000);
    rec.recordServing('not_serving', 'Not getting jobs because x');
    await rec.dispose();
    expect(rec.totalsNow().today).toEqual({
      jobs: 2,
      tokens: 25,
      failures: 1,
      accepted: 1,
      uptimeMs: 10_000,
    });

    clock.advance(60_000); // the process was down for a minute: no uptime for it
    const again = await StatusRecorder.open({ dir, clock, logger: silentLogger });
    expect(again.totalsNow().lifetime).toMatchObject({ jobs: 2, tokens: 25, uptimeMs: 10_000 });
    const segs = again.timelineNow();
    expect(segs.map((s) => s.phase)).toEqual(['serving', 'not_serving']);
    expect(segs[0]!.to - segs[0]!.from).toBe(10_000);
    again.setRunning(true);
    clock.advance(5_000);
    await again.dispose();
    expect(again.totalsNow().lifetime.uptimeMs).toBe(15_000);
    expect(warnings).toEqual([]);
  });

  it('moves a damaged file aside with a warning and starts fresh', async () => {
    const clock = new ManualClock();
    await writeFile(path.join(dir, 'totals.json'), '{"version": 1, "lifetime": ');
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (m: string) => warnings.push(m) };
    const rec = await StatusRecorder.open({ dir, clock, logger: logger as typeof silentLogger });
    expect(rec.totalsNow().lifetime.jobs).toBe(0);
    expect(warnings[0]).toMatch(/not valid JSON.*kept as .*totals\.json\.damaged-/);
    expect((await readdir(dir)).some((f) => f.startsWith('totals.json.damaged-'))).toBe(true);
    await rec.dispose();
    expect(JSON.parse(await readFile(path.join(dir, 'totals.json'), 'utf8')).version).toBe(1);
  });

  it('does not count a machine’s sleep as uptime', async () => {
    // A clock whose interval runs once after a long jump, as a real one does after sleep.
    let time = 1_000_000;
    const ticks: (() => void)[] = [];
    const clock = {
      now: () => time,
      setTimeout: () => 0,
      clearTimeout: () => undefined,
      setInterval: (fn: () => void) => ticks.push(fn),
      clearInterval: () => undefined,
    };
    const rec = await StatusRecorder.open({ dir, clock, logger: silentLogger, tickMs: 1000 });
    rec.setRunning(true);
    time += 1000;
    ticks[0]!();
    time += 3_600_000;
    ticks[0]!();
    expect(rec.totalsNow().today.uptimeMs).toBe(3_000);
    await rec.dispose();
  });
});

describe('Totals and Timeline bounds', () => {
  it('splits today, 7 days and lifetime and keeps only seven days', () => {
    const start = new Date(2026, 0, 1, 12).getTime();
    const t = new Totals(start);
    for (let d = 0; d < 10; d++) t.add(start + d * DAY, { jobs: 1 });
    const v = t.view(start + 9 * DAY);
    expect(v).toMatchObject({ today: { jobs: 1 }, last7Days: { jobs: 7 }, lifetime: { jobs: 10 } });
    expect(Object.keys(t.toJSON().days)).toHaveLength(7);
  });

  it('drops segments older than 24 h', () => {
    const tl = new Timeline();
    tl.record(0, 'serving', 'a');
    tl.record(1000, 'stopped', 'b');
    tl.record(TIMELINE_WINDOW_MS + 5000, 'serving', 'c');
    expect(tl.view(TIMELINE_WINDOW_MS + 5000).map((s) => s.text)).toEqual(['b', 'c']);
  });
});
