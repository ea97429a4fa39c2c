// The test task as a benchmark: what is recorded, when it counts as a re-check, and that it is
// kept across restarts (a damaged file is reported, not trusted).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BenchmarkRecorder } from '../../../src-main/core/agent/benchmark.js';
import type { JobEvent } from '../../../src-main/core/jobs/job-engine-api.js';
import { createLogger, type LogEntry } from '../../../src-main/core/logger.js';
import { ManualClock } from '../../helpers/manual-clock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'benchmark-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const done = (over: Partial<JobEvent> = {}): JobEvent => ({
  kind: 'completed',
  jobId: 'j1',
  model: 'sim-chat-1b',
  at: 1,
  test: true,
  completionTokens: 64,
  tokensPerSecond: 142.04,
  ttftMs: 180.4,
  ...over,
});

function recorder(logs: LogEntry[] = []) {
  const clock = new ManualClock(1_000);
  const file = join(dir, 'benchmark.json');
  return {
    file,
    clock,
    rec: new BenchmarkRecorder(file, clock, createLogger([(e) => logs.push(e)])),
  };
}

describe('BenchmarkRecorder', () => {
  it('records a completed test job: the first of a run at registration, later ones as re-checks', async () => {
    const { rec, file } = recorder();
    const seen: string[] = [];
    rec.onChange((b) => seen.push(b.kind));
    rec.newRun();
    rec.observe(done({ test: false }));
    rec.observe(done({ kind: 'failed' }));
    rec.observe(done({ completionTokens: 0 }));
    expect(rec.current()).toBeNull();
    rec.observe(done());
    expect(rec.current()).toEqual({
      model: 'sim-chat-1b',
      tokens_per_second: 142,
      ttft_ms: 180,
      completion_tokens: 64,
      measured_at: 1_000,
      kind: 'registration',
    });
    rec.observe(done({ tokensPerSecond: 99 }));
    expect(rec.current()).toMatchObject({ tokens_per_second: 99, kind: 'recheck' });
    rec.newRun();
    rec.observe(done());
    expect(seen).toEqual(['registration', 'recheck', 'registration']);
    await rec.flushed();
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ kind: 'registration' });
  });

  it('loads the stored benchmark after a restart; a damaged file is reported and ignored', async () => {
    const first = recorder();
    first.rec.newRun();
    first.rec.observe(done());
    await first.rec.flushed();
    const again = recorder();
    expect(await again.rec.load()).toMatchObject({ tokens_per_second: 142, ttft_ms: 180 });

    await writeFile(first.file, '{"tokens_per_second": "fast"}');
    const logs: LogEntry[] = [];
    const damaged = recorder(logs);
    expect(await damaged.rec.load()).toBeNull();
    expect(logs.map((l) => l.message).join('\n')).toMatch(/stored benchmark was not used/);
  });
});
