// node.log: the readable local log, kept and rotated by size whatever the upload does.
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { LocalLogFile, logLine } from '../../../src-main/core/store/local-log-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'node-log-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const entry = (i: number) => ({
  ts: Date.UTC(2026, 0, 1, 0, 0, i % 60),
  level: 'info' as const,
  source: 'agent',
  message: `line ${i} ${'x'.repeat(80)}`,
});

it('writes one readable line per entry, 0600, with its fields', async () => {
  const log = new LocalLogFile({ dir: join(dir, 'logs') });
  log.sink({ ...entry(1), fields: { jobId: 'j1' } });
  log.sink(entry(2));
  await log.close();
  const text = await readFile(log.file, 'utf8');
  expect(text).toBe(
    `2026-01-01T00:00:01.000Z INFO  [agent] line 1 ${'x'.repeat(80)} {"jobId":"j1"}\n` +
      logLine(entry(2)),
  );
  expect((await stat(log.file)).mode & 0o777).toBe(0o600);
  log.sink(entry(3)); // after close: ignored, no throw
});

it('rotates by size and keeps a bounded number of files, the newest lines in node.log', async () => {
  const log = new LocalLogFile({ dir, maxFileBytes: 2_000, keep: 2 });
  for (let i = 0; i < 200; i++) {
    log.sink(entry(i));
    if (i % 7 === 0) await log.idle();
  }
  await log.close();
  const files = (await readdir(dir)).sort();
  expect(files).toEqual(['node.log', 'node.log.1', 'node.log.2']);
  for (const f of files) expect((await stat(join(dir, f))).size).toBeLessThanOrEqual(2_000 + 2_000);
  expect(await readFile(join(dir, 'node.log'), 'utf8')).toContain('line 199 ');
  expect(await readFile(join(dir, 'node.log.2'), 'utf8')).not.toContain('line 0 ');
});
