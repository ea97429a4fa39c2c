import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outputHash } from '../../../src-main/core/jobs/job-result.js';
import type { Job } from '../../../src-main/core/protocol/schemas/ws.js';
import { FileJobJournal } from '../../../src-main/core/store/journal-file.js';
import { forEachLine } from '../../../src-main/core/store/journal-replay.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'journal-replay-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function read(file: string, chunkBytes: number) {
  const lines: string[] = [];
  const info = forEachLine(file, (l) => lines.push(l), chunkBytes);
  return { lines, info };
}

describe('forEachLine (the journal read a chunk at a time)', () => {
  it('gives every line whole, whatever chunk boundary it straddles, multi-byte text included', async () => {
    const file = path.join(dir, 'lines.jsonl');
    // Lengths from 0 to 40 bytes and 'é'/'€' (2 and 3 bytes) land on every offset of a 7-byte chunk.
    const want = Array.from({ length: 60 }, (_, i) => `${i}:${'é€x'.repeat(i % 13)}`);
    await writeFile(file, want.map((l) => `${l}\n`).join(''));
    for (const chunk of [1, 2, 3, 7, 64, 1 << 20]) {
      const { lines, info } = read(file, chunk);
      expect(lines).toEqual(want);
      expect(info!.completeBytes).toBe(info!.totalBytes);
    }
  });

  it('holds back a torn last line and says where the complete ones end', async () => {
    const file = path.join(dir, 'torn.jsonl');
    await writeFile(file, 'one\ntwo\nthr');
    const { lines, info } = read(file, 3);
    expect(lines).toEqual(['one', 'two']);
    expect(info).toEqual({ completeBytes: 8, totalBytes: 11 });
  });

  it('answers null when there is no file', () => {
    expect(forEachLine(path.join(dir, 'none.jsonl'), () => undefined)).toBeNull();
  });
});

const D = `sha256:${'1'.repeat(64)}`;
const job = (id: string, at: number) =>
  ({
    job_id: id,
    model: 'm',
    kind: 'completion',
    prompt: 'p',
    max_tokens: 8,
    assigned_at: at,
    deadline_at: at + 60_000,
  }) as Job;

/** `n` jobs finished at `at`, one received and left open, written through the journal itself. */
async function writeJournal(file: string, n: number, at: number, open: string) {
  const j = new FileJobJournal({ path: file, sync: 'none' });
  for (let i = 0; i < n; i++) {
    const id = `old-${i}`;
    void j.received(job(id, at), at, D);
    void j.transition(id, 'accepted', at);
    void j.resultReady(
      id,
      {
        job_id: id,
        model: 'm',
        status: 'completed',
        output: 'out',
        output_hash: outputHash('out'),
        finish_reason: 'stop',
        usage: { prompt_tokens: 1, completion_tokens: 1 },
        timings: {
          received_at: at,
          started_at: at,
          first_token_at: at,
          finished_at: at,
          runtime_ms: 1,
        },
        config_digest: D,
      },
      at,
    );
    void j.acked(id, 'completed', at, 'accepted');
  }
  void j.received(job(open, at), at, D);
  await j.close();
}

describe('FileJobJournal reopened on a long journal', () => {
  it('keeps no finished record older than forgetFinishedBefore in memory, and every open one', async () => {
    const file = path.join(dir, 'jobs.jsonl');
    await writeJournal(file, 3000, 1_000, 'still-open');
    const j = new FileJobJournal({ path: file, sync: 'none', forgetFinishedBefore: 2_000 });
    try {
      for (const i of [0, 1500, 2999]) expect(j.has(`old-${i}`)).toBe(false);
      expect(j.openRecords().map((r) => r.jobId)).toEqual(['still-open']);
      expect(j.get('still-open')?.job?.job_id).toBe('still-open');
      // Nothing left for a later prune: they were never kept.
      expect(j.pruneFinished(Number.MAX_SAFE_INTEGER)).toBe(0);
    } finally {
      await j.close();
    }
  });

  it('keeps the finished records the engine still recognises repeats by', async () => {
    const file = path.join(dir, 'jobs.jsonl');
    await writeJournal(file, 10, 5_000, 'still-open');
    const j = new FileJobJournal({ path: file, sync: 'none', forgetFinishedBefore: 2_000 });
    try {
      expect(j.get('old-3')).toMatchObject({ state: 'acked', outcome: 'completed', job: null });
      expect(j.pruneFinished(Number.MAX_SAFE_INTEGER)).toBe(10);
    } finally {
      await j.close();
    }
  });

  it('appends after the replayed lines, so a third open sees both', async () => {
    const file = path.join(dir, 'jobs.jsonl');
    await writeJournal(file, 5, 1_000, 'first');
    const j = new FileJobJournal({ path: file, sync: 'none', forgetFinishedBefore: 2_000 });
    await j.received(job('second', 3_000), 3_000, D);
    await j.close();
    const again = new FileJobJournal({ path: file, sync: 'none' });
    try {
      expect(again.openRecords().map((r) => r.jobId)).toEqual(['first', 'second']);
      expect(again.has('old-0')).toBe(true); // no cut-off given: everything in the file is kept
    } finally {
      await again.close();
    }
  });
});
