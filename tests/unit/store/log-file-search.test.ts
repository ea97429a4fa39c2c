// Searching node.log and its rotated files: newest first, bounded, literal, and calm about a
// missing folder.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { LocalLogFile, logLine } from '../../../src-main/core/store/local-log-file.js';
import { searchLogFiles } from '../../../src-main/core/store/log-file-search.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'log-search-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 0, 1);
const entry = (i: number, message = `line ${i} ${'x'.repeat(60)}`) => ({
  ts: T0 + i * 1000,
  level: 'info' as const,
  source: 'agent',
  message,
});

async function writeRotated(count: number): Promise<void> {
  const log = new LocalLogFile({ dir, maxFileBytes: 2_000, keep: 3 });
  for (let i = 0; i < count; i++) {
    log.sink(entry(i, i % 10 === 0 ? `Job #${i} took (1.5s) [ok]` : undefined));
    if (i % 5 === 0) await log.idle();
  }
  await log.close();
}

it('searches node.log and the rotated files, newest first, with the file and time of each line', async () => {
  await writeRotated(80);
  const r = await searchLogFiles({ dir, text: 'JOB #' });
  expect(r.files[0]).toBe('node.log');
  expect(r.files.length).toBeGreaterThan(2);
  const jobs = r.matches.map((m) => Number(/Job #(\d+)/.exec(m.line)![1]));
  expect(jobs[0]).toBe(70);
  expect(jobs).toEqual([...jobs].sort((a, b) => b - a));
  expect(r.matches.some((m) => m.file !== 'node.log')).toBe(true);
  expect(r.matches[0]!.ts).toBe(T0 + 70_000);
  expect(r.truncated).toBe(false);
});

it('returns at most maxMatches, the newest ones, and says more matched', async () => {
  await writeRotated(80);
  const r = await searchLogFiles({ dir, text: 'line', maxMatches: 5 });
  expect(r.matches).toHaveLength(5);
  expect(r.matches.map((m) => m.line.slice(0, 24))).toEqual(
    [79, 78, 77, 76, 75].map((i) => new Date(T0 + i * 1000).toISOString()),
  );
  expect(r.truncated).toBe(true);
  expect(r.files).toEqual(['node.log']);
});

it('takes the text literally: regex characters match only themselves', async () => {
  await writeRotated(30);
  const r = await searchLogFiles({ dir, text: '(1.5s) [ok]' });
  expect(r.matches.map((m) => m.line)).toEqual(
    [20, 10, 0].map((i) => logLine(entry(i, `Job #${i} took (1.5s) [ok]`)).trimEnd()),
  );
  expect((await searchLogFiles({ dir, text: '.*' })).matches).toEqual([]);
});

it('keeps only lines older than `before`, and cuts a very long line', async () => {
  await writeFile(
    join(dir, 'node.log'),
    logLine(entry(1, `needle ${'y'.repeat(50)}`)) + logLine(entry(5, 'needle later')),
  );
  const r = await searchLogFiles({ dir, text: 'needle', before: T0 + 5_000, maxLineChars: 40 });
  expect(r.matches).toHaveLength(1);
  expect(r.matches[0]!.line).toHaveLength(41);
  expect(r.matches[0]!.line.endsWith('…')).toBe(true);
});

it('a missing folder or an empty text finds nothing, without an error', async () => {
  expect(await searchLogFiles({ dir: join(dir, 'absent'), text: 'x' })).toEqual({
    matches: [],
    truncated: false,
    files: [],
  });
  await writeRotated(3);
  expect((await searchLogFiles({ dir, text: '   ' })).matches).toEqual([]);
});
