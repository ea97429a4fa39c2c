import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job, JobResultBody } from '../../../src-main/core/protocol/schemas/ws.js';
import { SqliteJobJournal } from '../../../src-main/core/store/journal-sqlite.js';
import { outputHash } from '../../../src-main/core/jobs/job-result.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;

function job(id: string): Job {
  return {
    job_id: id,
    model: 'm',
    kind: 'completion',
    prompt: 'p'.repeat(100),
    max_tokens: 8,
    assigned_at: 1_000,
    deadline_at: 61_000,
  } as Job;
}

function result(id: string): JobResultBody {
  return {
    job_id: id,
    model: 'm',
    status: 'completed',
    output: 'out',
    output_hash: outputHash('out'),
    finish_reason: 'stop',
    usage: { prompt_tokens: 1, completion_tokens: 1 },
    timings: { received_at: 1, started_at: 2, first_token_at: 3, finished_at: 4, runtime_ms: 2 },
    config_digest: D1,
  };
}

let dir: string;
let file: string;
let journal: SqliteJobJournal;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rn-journal-'));
  file = path.join(dir, 'journal.db');
  journal = new SqliteJobJournal({ path: file });
});
afterEach(async () => {
  await journal.close();
  await rm(dir, { recursive: true, force: true });
});

/** What another process would read from the file right now. */
function readState(id: string): string | undefined {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const row = db.prepare('SELECT state FROM jobs WHERE job_id = ?').get(id) as
      { state: string } | undefined;
    return row?.state;
  } finally {
    db.close();
  }
}

describe('SqliteJobJournal', () => {
  it('commits the writes of one event-loop turn together, durable when the promise resolves', async () => {
    const writes = [
      journal.received(job('a'), 1_000, D1),
      journal.transition('a', 'accepted', 1_001),
      journal.received(job('b'), 1_000, D1),
      journal.transition('b', 'rejected', 1_001, 'queue_full'),
    ];
    expect(readState('a')).toBeUndefined(); // queued, not yet committed
    await Promise.all(writes);
    expect(journal.stats).toMatchObject({ writes: 4, commits: 1 });
    expect(readState('a')).toBe('accepted');
    expect(readState('b')).toBe('rejected');
  });

  it('answers has() for queued writes before they are committed', () => {
    void journal.received(job('q'), 1_000, D1);
    expect(journal.has('q')).toBe(true);
    expect(journal.has('nope')).toBe(false);
  });

  it('keeps the job and result of open records and drops them once finished', async () => {
    await journal.received(job('a'), 1_000, D1);
    await journal.transition('a', 'accepted', 1_001);
    await journal.transition('a', 'running', 1_002);
    await journal.resultReady('a', result('a'), 1_003);
    const open = journal.get('a');
    expect(open).toMatchObject({
      state: 'result_ready',
      configDigest: D1,
      receivedAt: 1_000,
      deadlineAt: 61_000,
    });
    expect(open?.job?.prompt).toHaveLength(100);
    expect(open?.result).toEqual(result('a'));
    expect(journal.openRecords().map((r) => r.jobId)).toEqual(['a']);
    await journal.transition('a', 'acked', 1_004, 'duplicate');
    expect(journal.get('a')).toMatchObject({
      state: 'acked',
      job: null,
      result: null,
      detail: 'duplicate',
    });
    expect(journal.openRecords()).toEqual([]);
  });

  it('prunes finished records by age: a scan first, then by id, never open ones', async () => {
    await journal.received(job('old'), 1_000, D1);
    await journal.transition('old', 'acked', 2_000);
    await journal.received(job('open'), 1_000, D1);
    expect(journal.pruneFinished(5_000)).toBe(1);
    await journal.received(job('r'), 6_000, D1);
    await journal.transition('r', 'rejected', 6_000, 'queue_full');
    await journal.received(job('young'), 9_000, D1);
    await journal.transition('young', 'acked', 9_000);
    expect(journal.pruneFinished(7_000)).toBe(1);
    await journal.flush();
    expect(journal.has('old')).toBe(false);
    expect(journal.has('r')).toBe(false);
    expect(journal.has('young')).toBe(true);
    expect(journal.has('open')).toBe(true);
  });

  it('deletes finished records of other snapshots and keeps unacknowledged ones', async () => {
    await journal.received(job('acked-old'), 1, D1);
    await journal.transition('acked-old', 'acked', 2);
    await journal.received(job('rejected-old'), 1, D1);
    await journal.transition('rejected-old', 'rejected', 2, 'token_limit');
    await journal.received(job('unacked-old'), 1, D1);
    await journal.resultReady('unacked-old', result('unacked-old'), 2);
    await journal.received(job('acked-new'), 1, D2);
    await journal.transition('acked-new', 'acked', 2);
    expect(journal.deleteFinishedOutside(D2)).toBe(2);
    expect(journal.has('acked-old')).toBe(false);
    expect(journal.has('rejected-old')).toBe(false);
    expect(journal.get('unacked-old')?.result?.output).toBe('out');
    expect(journal.has('acked-new')).toBe(true);
  });

  it('survives a reopen with its records, and rejects writes once closed', async () => {
    await journal.received(job('a'), 1_000, D1);
    await journal.resultReady('a', result('a'), 1_001);
    await journal.close();
    await expect(journal.transition('a', 'acked', 1)).rejects.toThrow(/closed/);
    journal = new SqliteJobJournal({ path: file });
    expect(journal.get('a')?.state).toBe('result_ready');
  });

  it('rejects only the failing write of a batch (a duplicate insert), the rest commit', async () => {
    await journal.received(job('a'), 1, D1);
    const dup = journal.received(job('a'), 2, D1);
    const other = journal.received(job('b'), 2, D1);
    await expect(dup).rejects.toThrow();
    await other;
    expect(readState('b')).toBe('received');
  });

  it('moves a damaged journal file aside and starts a new one', async () => {
    await journal.close();
    await writeFile(
      file,
      'this is not a database, just some text that is long enough to be read'.repeat(100),
    );
    journal = new SqliteJobJournal({ path: file });
    await journal.received(job('fresh'), 1, D1);
    expect(journal.has('fresh')).toBe(true);
    expect((await readdir(dir)).some((f) => f.startsWith('journal.db.damaged-'))).toBe(true);
  });
});
