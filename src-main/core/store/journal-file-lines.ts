import { z } from 'zod';
import { Job as JobSchema, NodeMessageBodies } from '../protocol/schemas/ws.js';
import type { Job, JobResultBody } from '../protocol/schemas/ws.js';
import { JOB_OUTCOMES, type JobOutcome, type JournalRecord, type JournalState } from './journal.js';

const Id = z.string().min(1);
const Time = z.number();
const Result = NodeMessageBodies.job_result;
const STATES = ['received', 'accepted', 'rejected', 'running', 'result_ready', 'acked'] as const;
const Attempt = z.number().int().positive();
const Outcome = z.enum(JOB_OUTCOMES);

/** Every line is checked on replay: a damaged line is skipped and counted, never trusted. */
const LineSchema = z.discriminatedUnion('o', [
  z.looseObject({
    o: z.literal('r'),
    id: Id,
    t: Time,
    d: z.string().nullable(),
    j: JobSchema,
    a: Attempt.optional(),
  }),
  z.looseObject({
    o: z.literal('s'),
    id: Id,
    s: z.enum(['accepted', 'rejected', 'running', 'acked']),
    t: Time,
    x: z.string().optional(),
    out: Outcome.optional(),
  }),
  z.looseObject({ o: z.literal('R'), id: Id, t: Time, r: Result }),
  z.looseObject({ o: z.literal('x'), id: Id }),
  z.looseObject({
    o: z.literal('p'),
    rec: z.looseObject({
      jobId: Id,
      state: z.enum(STATES),
      job: JobSchema.nullable(),
      configDigest: z.string().nullable(),
      receivedAt: Time,
      deadlineAt: Time,
      updatedAt: Time,
      result: Result.nullable(),
      attempt: Attempt.optional(),
      outcome: Outcome.nullable().optional(),
      detail: z.string().nullable(),
    }),
  }),
]);

/**
 * The journal file's lines: one JSON object per write, replayed in order on open. Each line
 * fully determines the fields it touches, so replaying a line over a state that already has it
 * (after a compaction snapshot) gives the same result.
 *
 * Files written before attempts and outcomes were typed lack `a`, `out` and the snapshot's
 * `attempt`/`outcome`: they replay as attempt 1 with an unknown (null) outcome. Their free-text
 * `detail` is kept for people and never parsed.
 */
export type JournalLine =
  | { o: 'r'; id: string; t: number; d: string | null; j: Job; a?: number }
  | {
      o: 's';
      id: string;
      s: 'accepted' | 'rejected' | 'running' | 'acked';
      t: number;
      x?: string;
      out?: JobOutcome;
    }
  | { o: 'R'; id: string; t: number; r: JobResultBody }
  | { o: 'x'; id: string }
  | { o: 'p'; rec: SnapshotRecord };

/** A record as a compaction snapshot holds it (older files lack the typed fields). */
type SnapshotRecord = Omit<JournalRecord, 'attempt' | 'outcome'> &
  Partial<Pick<JournalRecord, 'attempt' | 'outcome'>>;

export function isFinished(state: JournalState): boolean {
  return state === 'rejected' || state === 'acked';
}

/** Applies one line to the in-memory state; returns the record it finished, if any. */
export function applyLine(
  records: Map<string, JournalRecord>,
  line: JournalLine,
): JournalRecord | null {
  switch (line.o) {
    case 'r': {
      records.set(line.id, {
        jobId: line.id,
        state: 'received',
        job: line.j,
        configDigest: line.d,
        receivedAt: line.t,
        deadlineAt: line.j.deadline_at,
        updatedAt: line.t,
        result: null,
        attempt: line.a ?? 1,
        outcome: null,
        detail: null,
      });
      return null;
    }
    case 's': {
      const rec = records.get(line.id);
      if (!rec) return null;
      rec.state = line.s;
      rec.updatedAt = line.t;
      if (line.x !== undefined) rec.detail = line.x;
      if (line.out !== undefined) rec.outcome = line.out;
      if (!isFinished(line.s)) return null;
      rec.job = null;
      rec.result = null;
      return rec;
    }
    case 'R': {
      const rec = records.get(line.id);
      if (!rec) return null;
      rec.state = 'result_ready';
      rec.updatedAt = line.t;
      rec.result = line.r;
      return null;
    }
    case 'x':
      records.delete(line.id);
      return null;
    case 'p': {
      records.set(line.rec.jobId, {
        ...line.rec,
        attempt: line.rec.attempt ?? 1,
        outcome: line.rec.outcome ?? null,
      });
      return isFinished(line.rec.state) ? records.get(line.rec.jobId)! : null;
    }
  }
}

/** Parses one line; null for a line that is not a valid journal line (torn, foreign, damaged). */
export function parseLine(text: string): JournalLine | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  // Validated, but the original object is kept: results must stay byte-for-byte as signed.
  return LineSchema.safeParse(v).success ? (v as JournalLine) : null;
}
