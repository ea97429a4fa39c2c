import { describe, expect, it } from 'vitest';
import { ackedOutcome, classifyAssignment } from '../../../src-main/core/jobs/reassignment.js';
import type { JournalRecord } from '../../../src-main/core/store/journal.js';

const record = (patch: Partial<JournalRecord>): JournalRecord => ({
  jobId: 'j',
  state: 'acked',
  job: null,
  configDigest: null,
  receivedAt: 1,
  deadlineAt: 2,
  updatedAt: 1,
  result: null,
  attempt: 1,
  outcome: 'completed',
  detail: null,
  ...patch,
});

describe('classifyAssignment (duplicate vs re-assignment)', () => {
  it('is a duplicate while the node holds the job, a new attempt once it finished here', () => {
    expect(classifyAssignment(undefined, false)).toEqual({ kind: 'new', attempt: 1 });
    expect(classifyAssignment(record({ state: 'running' }), true)).toEqual({ kind: 'held' });
    const pending = record({ state: 'result_ready', outcome: null, result: {} as never });
    expect(classifyAssignment(pending, false)).toEqual({ kind: 'held' });
    for (const outcome of ['completed', 'failed', 'result_rejected', null] as const) {
      expect(classifyAssignment(record({ attempt: 3, outcome }), false)).toEqual({
        kind: 'again',
        attempt: 4,
        previous: outcome,
      });
    }
    const refused = record({ state: 'rejected', outcome: 'refused' });
    expect(classifyAssignment(refused, false)).toMatchObject({ kind: 'again', attempt: 2 });
    // An attempt cut short here (open record, nothing running, no result): a new attempt.
    const stale = record({ state: 'accepted', outcome: null });
    expect(classifyAssignment(stale, false)).toMatchObject({ kind: 'again', attempt: 2 });
  });

  it('never reads the free-text detail', () => {
    for (const detail of ['rejected (failed attempt): x', 'accepted', 'duplicate_job', null]) {
      expect(classifyAssignment(record({ detail }), false)).toEqual({
        kind: 'again',
        attempt: 2,
        previous: 'completed',
      });
    }
  });

  it('types the ack: the network enum and the result status, nothing else', () => {
    expect(ackedOutcome('accepted', 'completed')).toBe('completed');
    expect(ackedOutcome('duplicate', 'completed')).toBe('completed');
    expect(ackedOutcome('accepted', 'failed')).toBe('failed');
    expect(ackedOutcome('rejected', 'completed')).toBe('result_rejected');
    expect(ackedOutcome('rejected', 'failed')).toBe('result_rejected');
  });
});
