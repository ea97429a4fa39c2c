import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../src-main/core/protocol/schemas/ws.js';
import { FileJobJournal } from '../../../src-main/core/store/journal-file.js';
import { openJobJournal } from '../../../src-main/core/store/journal-open.js';

const job = (id: string) =>
  ({
    job_id: id,
    model: 'm',
    kind: 'completion',
    prompt: 'p',
    max_tokens: 8,
    assigned_at: 1,
    deadline_at: 2,
  }) as Job;

let dir = '';
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('file journal, background sync (the default)', () => {
  it('hands every record to the OS before the write resolves, so a crash of the app loses none', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rn-journal-bg-'));
    const journal = openJobJournal(dir);
    expect(journal).toBeInstanceOf(FileJobJournal);
    await Promise.all(['a', 'b', 'c'].map((id) => journal.received(job(id), 1, null)));
    await journal.transition('b', 'accepted', 2);
    // Read the file behind the journal's back, as a restarted process would after a crash.
    const text = readFileSync(path.join(dir, 'jobs.jsonl'), 'utf8');
    for (const id of ['"a"', '"b"', '"c"', '"accepted"']) expect(text).toContain(id);
    await journal.close();
    const reopened = openJobJournal(dir);
    expect(reopened.get('b')?.state).toBe('accepted');
    expect(
      reopened
        .openRecords()
        .map((r) => r.jobId)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
    await reopened.close();
  });

  it('closes cleanly while a background flush is pending', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rn-journal-bg-'));
    const journal = new FileJobJournal({
      path: path.join(dir, 'jobs.jsonl'),
      sync: 'background',
      syncEveryMs: 1,
    });
    await journal.received(job('x'), 1, null);
    await new Promise((r) => setTimeout(r, 5)); // the flush timer fires
    await journal.received(job('y'), 1, null);
    await journal.close();
    expect(readFileSync(path.join(dir, 'jobs.jsonl'), 'utf8')).toContain('"y"');
  });

  it('refuses writes that arrive while it closes, and compacts under a pending flush without losing records', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rn-journal-bg-'));
    const file = path.join(dir, 'jobs.jsonl');
    const journal = new FileJobJournal({
      path: file,
      sync: 'background',
      syncEveryMs: 0,
      compactAtBytes: 200,
    });
    for (let i = 0; i < 20; i++) await journal.received(job(`j${i}`), 1, null); // compacts several times
    const closing = journal.close();
    await expect(journal.received(job('late'), 1, null)).rejects.toThrow(/closed/);
    await closing;
    const reopened = new FileJobJournal({ path: file });
    expect(reopened.openRecords()).toHaveLength(20);
    expect(reopened.has('late')).toBe(false);
    await reopened.close();
  });

  it('skips a line that is valid JSON but damaged instead of failing to open', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rn-journal-bg-'));
    const file = path.join(dir, 'jobs.jsonl');
    const journal = new FileJobJournal({ path: file });
    // More good lines than bad ones (a journal mostly unreadable is moved aside whole).
    for (const id of ['good', 'g2', 'g3']) await journal.received(job(id), 1, null);
    await journal.close();
    const { appendFileSync } = await import('node:fs');
    appendFileSync(file, '{"o":"r","id":"x"}\n{"o":"R","id":"good","t":3,"r":{"job_id":"good"}}\n');
    const reopened = new FileJobJournal({ path: file });
    expect(reopened.has('x')).toBe(false);
    expect(reopened.get('good')?.state).toBe('received'); // the damaged result line was not applied
    await reopened.close();
  });
});
