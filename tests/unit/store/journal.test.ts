import { closeSync, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outputHash } from '../../../src-main/core/jobs/job-result.js';
import type { Job, JobResultBody } from '../../../src-main/core/protocol/schemas/ws.js';
import type { JobJournal, JournalRecord } from '../../../src-main/core/store/journal.js';
import { FileJobJournal } from '../../../src-main/core/store/journal-file.js';
import { applyLine, parseLine } from '../../../src-main/core/store/journal-file-lines.js';
import { SqliteJobJournal } from '../../bench/journal-sqlite.js';

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

interface Kind {
  name: string;
  file: string;
  open(file: string): JobJournal & { stats: { writes: number; commits: number } };
  /** What another process would read from the file right now. */
  durableState(file: string, id: string): string | undefined;
}

const kinds: Kind[] = [
  {
    name: 'SqliteJobJournal',
    file: 'journal.db',
    open: (file) => new SqliteJobJournal({ path: file }),
    durableState: (file, id) => {
      const db = new DatabaseSync(file, { readOnly: true });
      try {
        const row = db.prepare('SELECT state FROM jobs WHERE job_id = ?').get(id) as
          { state: string } | undefined;
        return row?.state;
      } finally {
        db.close();
      }
    },
  },
  {
    name: 'FileJobJournal',
    file: 'journal.jsonl',
    open: (file) => new FileJobJournal({ path: file }),
    durableState: (file, id) => {
      const records = new Map<string, JournalRecord>();
      const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
      for (const raw of text.split('\n')) {
        const line = raw ? parseLine(raw) : null;
        if (line) applyLine(records, line);
      }
      return records.get(id)?.state;
    },
  },
];

describe.each(kinds)('$name', (kind) => {
  let dir: string;
  let file: string;
  let journal: ReturnType<Kind['open']>;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rn-journal-'));
    file = path.join(dir, kind.file);
    journal = kind.open(file);
  });
  afterEach(async () => {
    await journal.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('commits the writes of one event-loop turn together, durable when the promise resolves', async () => {
    const writes = [
      journal.received(job('a'), 1_000, D1),
      journal.transition('a', 'accepted', 1_001),
      journal.received(job('b'), 1_000, D1),
      journal.transition('b', 'rejected', 1_001, 'queue_full'),
    ];
    expect(kind.durableState(file, 'a')).toBeUndefined(); // queued, not yet committed
    await Promise.all(writes);
    expect(journal.stats).toMatchObject({ writes: 4, commits: 1 });
    expect(kind.durableState(file, 'a')).toBe('accepted');
    expect(kind.durableState(file, 'b')).toBe('rejected');
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
    await journal.acked('a', 'completed', 1_004, 'duplicate');
    expect(journal.get('a')).toMatchObject({
      state: 'acked',
      job: null,
      result: null,
      detail: 'duplicate',
    });
    expect(journal.openRecords()).toEqual([]);
  });

  it('prunes finished records by age, never open ones', async () => {
    await journal.received(job('old'), 1_000, D1);
    await journal.acked('old', 'completed', 2_000);
    await journal.received(job('open'), 1_000, D1);
    expect(journal.pruneFinished(5_000)).toBe(1);
    await journal.received(job('r'), 6_000, D1);
    await journal.transition('r', 'rejected', 6_000, 'queue_full');
    await journal.received(job('young'), 9_000, D1);
    await journal.acked('young', 'completed', 9_000);
    expect(journal.pruneFinished(7_000)).toBe(1);
    await journal.flush();
    expect(journal.has('old')).toBe(false);
    expect(journal.has('r')).toBe(false);
    expect(journal.has('young')).toBe(true);
    expect(journal.has('open')).toBe(true);
  });

  it('deletes finished records of other snapshots and keeps unacknowledged ones', async () => {
    await journal.received(job('acked-old'), 1, D1);
    await journal.acked('acked-old', 'completed', 2);
    await journal.received(job('rejected-old'), 1, D1);
    await journal.transition('rejected-old', 'rejected', 2, 'token_limit');
    await journal.received(job('unacked-old'), 1, D1);
    await journal.resultReady('unacked-old', result('unacked-old'), 2);
    await journal.received(job('acked-new'), 1, D2);
    await journal.acked('acked-new', 'completed', 2);
    expect(journal.deleteFinishedOutside(D2)).toBe(2);
    expect(journal.has('acked-old')).toBe(false);
    expect(journal.has('rejected-old')).toBe(false);
    expect(journal.get('unacked-old')?.result?.output).toBe('out');
    expect(journal.has('acked-new')).toBe(true);
    await journal.close();
    journal = kind.open(file);
    expect(journal.has('acked-old')).toBe(false);
    expect(journal.has('unacked-old')).toBe(true);
  });

  it('survives a reopen with its records, and rejects writes once closed', async () => {
    await journal.received(job('a'), 1_000, D1);
    await journal.resultReady('a', result('a'), 1_001);
    await journal.received(job('b'), 1_000, D1);
    await journal.acked('b', 'completed', 1_002, 'accepted');
    await journal.close();
    await expect(journal.acked('a', 'completed', 1)).rejects.toThrow(/closed/);
    journal = kind.open(file);
    expect(journal.get('a')).toMatchObject({ state: 'result_ready', result: result('a') });
    expect(journal.get('b')).toMatchObject({ state: 'acked', detail: 'accepted', job: null });
  });

  it('keeps attempt and outcome as typed fields, whatever the free-text detail says', async () => {
    await journal.received(job('a'), 1, D1);
    await journal.transition('a', 'rejected', 2, 'queue_full');
    await journal.received(job('b'), 1, D1);
    await journal.resultReady('b', result('b'), 2);
    await journal.acked('b', 'completed', 3, 'accepted: rejected (failed attempt)');
    expect(journal.get('a')).toMatchObject({
      attempt: 1,
      outcome: 'refused',
      detail: 'queue_full',
    });
    expect(journal.get('b')).toMatchObject({ attempt: 1, outcome: 'completed' });
    // The network hands b back: attempt 2 replaces the finished record; attempt 2 again is refused.
    await journal.received(job('b'), 10, D2, 2);
    await expect(journal.received(job('b'), 11, D2, 2)).rejects.toThrow();
    await journal.close();
    journal = kind.open(file);
    expect(journal.get('a')).toMatchObject({ state: 'rejected', attempt: 1, outcome: 'refused' });
    expect(journal.get('b')).toMatchObject({
      state: 'received',
      attempt: 2,
      outcome: null,
      detail: null,
      configDigest: D2,
      receivedAt: 10,
    });
    expect(journal.get('b')?.job?.job_id).toBe('b');
    expect(journal.openRecords().map((r) => r.jobId)).toEqual(['b']);
  });

  it('rejects only the failing write of a batch (a duplicate insert), the rest commit', async () => {
    await journal.received(job('a'), 1, D1);
    const dup = journal.received(job('a'), 2, D1);
    const other = journal.received(job('b'), 2, D1);
    await expect(dup).rejects.toThrow();
    await other;
    expect(kind.durableState(file, 'b')).toBe('received');
  });

  it('moves a damaged journal file aside and starts a new one', async () => {
    await journal.close();
    await writeFile(
      file,
      'this is not a journal, just some text that is long enough to be read'.repeat(100),
    );
    journal = kind.open(file);
    await journal.received(job('fresh'), 1, D1);
    expect(journal.has('fresh')).toBe(true);
    expect((await readdir(dir)).some((f) => f.startsWith(`${kind.file}.damaged-`))).toBe(true);
  });
});

describe('FileJobJournal specifics', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rn-journal-file-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('cuts a torn last line (a crash mid-write) and keeps appending cleanly', async () => {
    const file = path.join(dir, 'j.jsonl');
    let j = new FileJobJournal({ path: file });
    await j.received(job('a'), 1, D1);
    await j.close();
    await writeFile(file, (await readFile(file, 'utf8')) + '{"o":"s","id":"a","s":"acc');
    j = new FileJobJournal({ path: file });
    expect(j.get('a')?.state).toBe('received');
    await j.transition('a', 'accepted', 2);
    await j.close();
    j = new FileJobJournal({ path: file });
    expect(j.get('a')?.state).toBe('accepted');
    await j.close();
  });

  it('replays a file written before attempts and outcomes were typed (attempt 1, outcome unknown, detail kept as text)', async () => {
    const file = path.join(dir, 'j.jsonl');
    const legacy = [
      { o: 'r', id: 'done', t: 1, d: D1, j: job('done') },
      { o: 's', id: 'done', s: 'accepted', t: 2 },
      { o: 'R', id: 'done', t: 3, r: result('done') },
      // The old engine wrote the ack outcome and a marker into this free text.
      { o: 's', id: 'done', s: 'acked', t: 4, x: 'accepted (failed attempt): rejected' },
      { o: 'r', id: 'refused', t: 1, d: D1, j: job('refused') },
      { o: 's', id: 'refused', s: 'rejected', t: 2, x: 'queue_full' },
      // A compaction snapshot of an open record, without the typed fields.
      {
        o: 'p',
        rec: {
          jobId: 'open',
          state: 'result_ready',
          job: job('open'),
          configDigest: D1,
          receivedAt: 1,
          deadlineAt: 61_000,
          updatedAt: 3,
          result: result('open'),
          detail: null,
        },
      },
    ];
    await writeFile(file, legacy.map((l) => JSON.stringify(l) + '\n').join(''));
    const j = new FileJobJournal({ path: file });
    expect(j.get('done')).toMatchObject({
      state: 'acked',
      attempt: 1,
      outcome: null,
      detail: 'accepted (failed attempt): rejected',
    });
    expect(j.get('refused')).toMatchObject({ state: 'rejected', attempt: 1, outcome: null });
    expect(j.get('open')).toMatchObject({
      state: 'result_ready',
      attempt: 1,
      outcome: null,
      result: result('open'),
    });
    // A legacy record is superseded by the next attempt like any other.
    await j.received(job('done'), 10, D1, 2);
    expect(j.get('done')).toMatchObject({ state: 'received', attempt: 2 });
    await j.close();
  });

  it('compacts: the file shrinks to the live records, which survive a reopen', async () => {
    const file = path.join(dir, 'j.jsonl');
    let j = new FileJobJournal({ path: file, compactAtBytes: 64 * 1024 });
    for (let i = 0; i < 300; i++) {
      const id = `j${i}`;
      await j.received(job(id), i, D1);
      await j.resultReady(id, result(id), i);
      if (i < 295) await j.acked(id, 'completed', i);
    }
    j.pruneFinished(1_000);
    for (let i = 300; i < 330; i++) await j.received(job(`j${i}`), i, D1);
    await j.flush();
    const size = (await readFile(file)).length;
    expect(size).toBeLessThan(64 * 1024);
    await j.close();
    j = new FileJobJournal({ path: file });
    expect(j.openRecords().map((r) => r.jobId)).toEqual([
      ...['j295', 'j296', 'j297', 'j298', 'j299'],
      ...Array.from({ length: 30 }, (_, i) => `j${300 + i}`),
    ]);
    expect(j.get('j299')?.result).toEqual(result('j299'));
    await j.close();
  });

  it('compacts on low free disk space, long before the size threshold', async () => {
    const file = path.join(dir, 'j.jsonl');
    // Every disk is "low" below this: the size threshold (16 MiB) is never reached here.
    const j = new FileJobJournal({ path: file, lowFreeBytes: Number.MAX_SAFE_INTEGER });
    for (let i = 0; i < 300; i++) {
      const id = `j${i}`;
      await j.received(job(id), i, D1);
      await j.resultReady(id, result(id), i);
      await j.acked(id, 'completed', i);
    }
    j.pruneFinished(1_000);
    await j.received(job('live'), 400, D1);
    await j.flush();
    // Without the low-space rule this workload leaves ~180 KiB; here at most one 64 KiB step.
    expect((await readFile(file)).length).toBeLessThan(70 * 1024);
    expect(j.openRecords().map((r) => r.jobId)).toEqual(['live']);
    await j.close();
  });

  it('reports a write problem until a probe finds room again, and tells its listeners', async () => {
    const file = path.join(dir, 'j.jsonl');
    const j = new FileJobJournal({ path: file });
    const seen: (string | null)[] = [];
    j.onWriteProblem((p) => seen.push(p));
    expect(await j.probe()).toBe(true);
    // The journal's file can no longer be written (its descriptor is gone under it).
    closeSync((j as unknown as { fd: number }).fd);
    await expect(j.received(job('a'), 1, D1)).rejects.toBeTruthy();
    expect(j.writeProblem).toMatch(/EBADF/);
    expect(seen).toHaveLength(1);
    // The disk works again (here: it always did): the probe clears the problem.
    expect(await j.probe()).toBe(true);
    expect(j.writeProblem).toBeNull();
    expect(seen.at(-1)).toBeNull();
  });
});
