import { existsSync, renameSync } from 'node:fs';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { z } from 'zod';
import { silentLogger, type Logger } from '../../src-main/core/logger.js';
import {
  Job as JobSchema,
  NodeMessageBodies,
  type Job,
  type JobResultBody,
} from '../../src-main/core/protocol/schemas/ws.js';
import {
  JOB_OUTCOMES,
  type JobJournal,
  type JobOutcome,
  type JournalRecord,
  type JournalState,
} from '../../src-main/core/store/journal.js';

export interface SqliteJournalOptions {
  /** Database file, or ':memory:' for tests. */
  path: string;
  /**
   * NORMAL (default): a commit survives a crash of the app; a power cut may lose the last
   * commits (WAL). FULL: also survives a power cut, at one fsync per group commit.
   */
  synchronous?: 'NORMAL' | 'FULL';
  logger?: Logger;
  /** How a group commit is scheduled; default `setImmediate` (all writes of one loop turn). */
  schedule?: (fn: () => void) => void;
}

interface PendingOp {
  jobId: string;
  run: () => void;
  resolve: () => void;
  reject: (err: unknown) => void;
  error?: unknown;
}

const SCHEMA_VERSION = 1;
const FINISHED_SQL = `state IN ('rejected', 'acked')`;

/**
 * The benchmark's comparison baseline (tests/bench/journal.ts), not used by the node: the job
 * journal on node:sqlite (WAL, prepared statements, group commit — every write queued in one
 * event-loop turn goes into one transaction). The node uses the append-only file journal
 * (src-main/core/store/journal-file.ts), measured to spend far less event-loop time. It keeps the
 * JobJournal contract (tests/unit/store/journal.test.ts runs the same suite on both) so the
 * comparison stays fair, and reads rows back through the protocol schemas like the file does.
 */
export class SqliteJobJournal implements JobJournal {
  private readonly db: DatabaseSync;
  private readonly log: Logger;
  private readonly schedule: (fn: () => void) => void;
  private pending: PendingOp[] = [];
  /** Last queued kind of write per job id, so `has` answers without committing first. */
  private readonly pendingIds = new Map<string, 'present' | 'removed'>();
  private scheduled = false;
  /** Ids of records finished since open, in finishing order, for cheap pruning. */
  private readonly finished = new FinishedQueue();
  private scanPruned = false;
  private closed = false;
  private readonly stmt: Record<string, StatementSync>;
  /** Totals since open (for the benchmark). */
  readonly stats = { writes: 0, commits: 0, busyMs: 0, maxCommitMs: 0 };

  constructor(options: SqliteJournalOptions) {
    this.log = (options.logger ?? silentLogger).child('journal');
    this.schedule = options.schedule ?? ((fn) => setImmediate(fn));
    this.db = openDatabase(options.path, this.log);
    this.db.exec(
      `PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous ?? 'NORMAL'};` +
        `PRAGMA busy_timeout = 2000;`,
    );
    migrate(this.db);
    this.stmt = {
      insert: this.db.prepare(
        `INSERT INTO jobs (job_id, state, config_digest, job, received_at, deadline_at, updated_at, attempt)
         VALUES (?, 'received', ?, ?, ?, ?, ?, ?)`,
      ),
      replace: this.db.prepare(
        `UPDATE jobs SET state = 'received', config_digest = ?, job = ?, received_at = ?,
         deadline_at = ?, updated_at = ?, attempt = ?, result = NULL, outcome = NULL, detail = NULL
         WHERE job_id = ? AND attempt < ?`,
      ),
      state: this.db.prepare(
        `UPDATE jobs SET state = ?, updated_at = ?, detail = COALESCE(?, detail) WHERE job_id = ?`,
      ),
      finish: this.db.prepare(
        `UPDATE jobs SET state = ?, updated_at = ?, detail = COALESCE(?, detail), outcome = ?, job = NULL, result = NULL WHERE job_id = ?`,
      ),
      result: this.db.prepare(
        `UPDATE jobs SET state = 'result_ready', updated_at = ?, result = ? WHERE job_id = ?`,
      ),
      remove: this.db.prepare(`DELETE FROM jobs WHERE job_id = ?`),
      has: this.db.prepare(`SELECT 1 AS one FROM jobs WHERE job_id = ?`),
      get: this.db.prepare(`SELECT * FROM jobs WHERE job_id = ?`),
      open: this.db.prepare(
        `SELECT * FROM jobs WHERE NOT ${FINISHED_SQL} ORDER BY received_at, job_id`,
      ),
      prune: this.db.prepare(`DELETE FROM jobs WHERE ${FINISHED_SQL} AND updated_at < ?`),
      pruneOne: this.db.prepare(
        `DELETE FROM jobs WHERE job_id = ? AND ${FINISHED_SQL} AND updated_at < ?`,
      ),
      outside: this.db.prepare(
        `DELETE FROM jobs WHERE ${FINISHED_SQL} AND (config_digest IS NULL OR config_digest != ?)`,
      ),
    };
  }

  received(job: Job, receivedAt: number, configDigest: string | null, attempt = 1): Promise<void> {
    const json = JSON.stringify(job);
    const id = job.job_id;
    const at = receivedAt;
    return this.enqueue(id, 'present', () => {
      if (attempt === 1) {
        this.stmt.insert!.run(id, configDigest, json, at, job.deadline_at, at, attempt);
        return;
      }
      const r = this.stmt.replace!.run(
        configDigest,
        json,
        at,
        job.deadline_at,
        at,
        attempt,
        id,
        attempt,
      );
      if (Number(r.changes) === 0) {
        this.stmt.insert!.run(id, configDigest, json, at, job.deadline_at, at, attempt);
      }
    });
  }

  transition(
    jobId: string,
    state: 'accepted' | 'rejected' | 'running',
    at: number,
    detail?: string,
  ): Promise<void> {
    if (state === 'rejected') return this.finish(jobId, state, 'refused', at, detail);
    return this.enqueue(jobId, 'present', () =>
      this.stmt.state!.run(state, at, detail ?? null, jobId),
    );
  }

  acked(jobId: string, outcome: JobOutcome, at: number, detail?: string): Promise<void> {
    return this.finish(jobId, 'acked', outcome, at, detail);
  }

  private finish(
    jobId: string,
    state: 'rejected' | 'acked',
    outcome: JobOutcome,
    at: number,
    detail: string | undefined,
  ): Promise<void> {
    this.finished.push(at, jobId);
    return this.enqueue(jobId, 'present', () =>
      this.stmt.finish!.run(state, at, detail ?? null, outcome, jobId),
    );
  }

  resultReady(jobId: string, result: JobResultBody, at: number): Promise<void> {
    const json = JSON.stringify(result);
    return this.enqueue(jobId, 'present', () => this.stmt.result!.run(at, json, jobId));
  }

  remove(jobIds: readonly string[]): Promise<void> {
    return Promise.all(
      jobIds.map((id) => this.enqueue(id, 'removed', () => this.stmt.remove!.run(id))),
    ).then(() => undefined);
  }

  has(jobId: string): boolean {
    const queued = this.pendingIds.get(jobId);
    if (queued) return queued === 'present';
    this.assertOpen();
    return this.stmt.has!.get(jobId) !== undefined;
  }

  get(jobId: string): JournalRecord | undefined {
    this.flushNow();
    const row = this.stmt.get!.get(jobId);
    return row ? toRecord(row) : undefined;
  }

  openRecords(): JournalRecord[] {
    this.flushNow();
    return this.stmt.open!.all().map(toRecord);
  }

  /**
   * The first call after opening deletes by a table scan; later calls delete the ids finished
   * since, by primary key (no scan of a large table on the event loop every sweep).
   */
  pruneFinished(before: number): number {
    if (!this.scanPruned) {
      this.flushNow();
      this.scanPruned = true;
      this.finished.takeBefore(before);
      return Number(this.stmt.prune!.run(before).changes);
    }
    const ids = this.finished.takeBefore(before);
    for (const id of ids)
      void this.enqueue(id, null, () => this.stmt.pruneOne!.run(id, before)).catch(() => undefined);
    return ids.length;
  }

  deleteFinishedOutside(digest: string): number {
    this.flushNow();
    return Number(this.stmt.outside!.run(digest).changes);
  }

  flush(): Promise<void> {
    this.flushNow();
    return Promise.resolve();
  }

  /** Commits what is queued, checkpoints the WAL into the database file, and closes it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flushNow();
    this.closed = true;
    try {
      this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    } catch {
      // busy: the WAL is replayed on the next open
    }
    this.db.close();
  }

  private enqueue(
    jobId: string,
    kind: 'present' | 'removed' | null,
    run: () => void,
  ): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The job journal is closed.'));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ jobId, run, resolve, reject });
      if (kind) this.pendingIds.set(jobId, kind);
      if (!this.scheduled) {
        this.scheduled = true;
        this.schedule(() => this.flushNow());
      }
    });
  }

  /** Commits the queued writes in one transaction; settles each write's promise. */
  private flushNow(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0 || this.closed) return;
    this.pending = [];
    this.pendingIds.clear();
    const started = performance.now();
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const op of batch) {
        try {
          op.run();
        } catch (err) {
          op.error = err;
        }
      }
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      this.log.error('Could not write the job journal; the jobs of this batch are not recorded.', {
        error: err instanceof Error ? err.message : String(err),
      });
      for (const op of batch) op.reject(err);
      return;
    }
    const took = performance.now() - started;
    this.stats.writes += batch.length;
    this.stats.commits++;
    this.stats.busyMs += took;
    if (took > this.stats.maxCommitMs) this.stats.maxCommitMs = took;
    for (const op of batch) {
      if (op.error === undefined) op.resolve();
      else op.reject(op.error);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The job journal is closed.');
  }
}

function openDatabase(path: string, log: Logger): DatabaseSync {
  try {
    const db = new DatabaseSync(path);
    db.exec('PRAGMA quick_check');
    return db;
  } catch (err) {
    if (path === ':memory:' || !existsSync(path)) throw err;
    // A damaged journal must not stop the node: keep it aside for inspection, start afresh.
    const aside = `${path}.damaged-${Date.now()}`;
    renameSync(path, aside);
    log.warn(`The job journal was damaged and was moved to ${aside}; starting a new one.`, {
      error: err instanceof Error ? err.message : String(err),
    });
    return new DatabaseSync(path);
  }
}

function migrate(db: DatabaseSync): void {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number };
  if (row.user_version >= SCHEMA_VERSION) return;
  db.exec(`
    CREATE TABLE IF NOT EXISTS jobs (
      job_id TEXT PRIMARY KEY,
      state TEXT NOT NULL,
      config_digest TEXT,
      job TEXT,
      result TEXT,
      detail TEXT,
      attempt INTEGER NOT NULL DEFAULT 1,
      outcome TEXT,
      received_at INTEGER NOT NULL,
      deadline_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    PRAGMA user_version = ${SCHEMA_VERSION};
  `);
}

function toRecord(row: Record<string, unknown>): JournalRecord {
  return {
    jobId: String(row.job_id),
    state: row.state as JournalState,
    job: typeof row.job === 'string' ? checked<Job>(JobSchema, row.job) : null,
    configDigest: typeof row.config_digest === 'string' ? row.config_digest : null,
    receivedAt: Number(row.received_at),
    deadlineAt: Number(row.deadline_at),
    updatedAt: Number(row.updated_at),
    result:
      typeof row.result === 'string'
        ? checked<JobResultBody>(NodeMessageBodies.job_result, row.result)
        : null,
    attempt: Number(row.attempt ?? 1),
    outcome: JOB_OUTCOMES.find((o) => o === row.outcome) ?? null,
    detail: typeof row.detail === 'string' ? row.detail : null,
  };
}

/** Parses a stored JSON column and checks it against its protocol schema; keeps the original object. */
function checked<T>(schema: z.ZodType, text: string): T {
  const value: unknown = JSON.parse(text);
  schema.parse(value);
  return value as T;
}

/** Finished job ids in time order (two parallel arrays: cheap at thousands of jobs a second). */
class FinishedQueue {
  private ats: number[] = [];
  private ids: string[] = [];
  private head = 0;

  push(at: number, id: string): void {
    this.ats.push(at);
    this.ids.push(id);
  }

  takeBefore(before: number): string[] {
    const start = this.head;
    while (this.head < this.ats.length && this.ats[this.head]! < before) this.head++;
    const taken = this.ids.slice(start, this.head);
    if (this.head > 4096 && this.head * 2 > this.ats.length) {
      this.ats = this.ats.slice(this.head);
      this.ids = this.ids.slice(this.head);
      this.head = 0;
    }
    return taken;
  }
}
