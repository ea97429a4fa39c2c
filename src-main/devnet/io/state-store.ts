import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Logger } from '../../core/logger.js';
import type { SignedSnapshot } from '../../core/protocol/schemas/snapshot.js';
import type { HistoryEntry } from './config-history.js';
import type { ChangeSink, DevnetCore, Restored } from './core.js';
import { addEvent, isInFlight, isOpen, type JobRecord } from './job-record.js';
import { toStored, type NodeRecord, type StoredNode } from './registry.js';

export interface StateStore extends ChangeSink {
  load(): Restored;
  attach(core: DevnetCore): void;
  close(): void;
}

const FLUSH_MS = 100;
const SLICE = 250;

/**
 * Registered nodes, snapshot history and the job ledger in SQLite (WAL). Changes are collected
 * and written every 100 ms, off the hot path, in transactions of at most 250 jobs (a backlog
 * goes on in the next event-loop turn); close() writes the rest. `commit()` writes everything
 * at once: the devnet calls it before it acknowledges a result or answers a submission, so a
 * kill -9 right after cannot lose them (WAL with synchronous=NORMAL survives a crash of the
 * process; a power cut may lose the last commits).
 */
export function openStateStore(dir: string, logger: Logger): StateStore {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const db = new DatabaseSync(join(dir, 'devnet.sqlite'));
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    CREATE TABLE IF NOT EXISTS nodes (id TEXT PRIMARY KEY, data TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS snapshots (serial INTEGER PRIMARY KEY, data TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, state TEXT NOT NULL, data TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, data TEXT NOT NULL);
  `);
  const putNode = db.prepare('INSERT OR REPLACE INTO nodes (id, data) VALUES (?, ?)');
  const putSnapshot = db.prepare('INSERT OR REPLACE INTO snapshots (serial, data) VALUES (?, ?)');
  const putJob = db.prepare('INSERT OR REPLACE INTO jobs (id, state, data) VALUES (?, ?, ?)');
  const putMeta = db.prepare('INSERT OR REPLACE INTO meta (key, data) VALUES (?, ?)');
  const prune = db.prepare(
    `DELETE FROM jobs WHERE state IN ('completed', 'failed') AND rowid < (SELECT MAX(rowid) FROM jobs) - ?`,
  );

  const dirtyNodes = new Map<string, NodeRecord>();
  const dirtyJobs = new Set<JobRecord>();
  let core: DevnetCore | null = null;
  let flushes = 0;
  let timer: NodeJS.Timeout | null = null;
  let closing = false;

  const schedule = () => {
    timer ??= setTimeout(flush, FLUSH_MS);
  };
  const tx = (fn: () => void) => {
    db.exec('BEGIN');
    try {
      fn();
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  };
  const write = (stmt: StatementSync, ...args: (string | number)[]) => stmt.run(...args);

  /** Writes every dirty node, at most `limit` dirty jobs and the counters in one transaction. */
  function writeDirty(limit: number): boolean {
    const nodes = [...dirtyNodes.values()];
    const jobs: JobRecord[] = [];
    for (const j of dirtyJobs) {
      if (jobs.length >= limit) break;
      jobs.push(j);
    }
    try {
      tx(() => {
        for (const n of nodes) write(putNode, n.nodeId, JSON.stringify(toStored(n)));
        for (const j of jobs) write(putJob, j.id, j.state, JSON.stringify(j));
        if (core) write(putMeta, 'counters', JSON.stringify(core.ledger.counters));
        if (++flushes % 100 === 0 && core) prune.run(core.opts.maxRetainedJobs);
      });
    } catch (err) {
      logger.error('devnet state could not be saved', { error: String(err) });
      return false;
    }
    for (const n of nodes) dirtyNodes.delete(n.nodeId);
    for (const j of jobs) dirtyJobs.delete(j);
    return true;
  }

  /** Writes at most SLICE rows per turn so a big backlog never blocks the event loop for long. */
  function flush(): void {
    timer = null;
    if (dirtyNodes.size === 0 && dirtyJobs.size === 0) return;
    if (!writeDirty(SLICE)) return;
    if (dirtyJobs.size > 0 && !closing) setImmediate(flush);
  }

  return {
    load(): Restored {
      const nodes = db
        .prepare('SELECT data FROM nodes')
        .all()
        .map((r) => JSON.parse(String(r.data)) as StoredNode);
      const snapshots = db
        .prepare('SELECT data FROM snapshots ORDER BY serial')
        .all()
        .map((r) => JSON.parse(String(r.data)) as SignedSnapshot);
      const jobs = db
        .prepare('SELECT data FROM jobs ORDER BY rowid')
        .all()
        .map((r) => reopen(JSON.parse(String(r.data)) as JobRecord));
      const meta = db.prepare(`SELECT data FROM meta WHERE key = 'counters'`).get();
      const counters = meta ? JSON.parse(String(meta.data)) : {};
      return { nodes, snapshots, jobs, counters };
    },
    attach(c) {
      core = c;
    },
    node(n) {
      dirtyNodes.set(n.nodeId, n);
      schedule();
    },
    job(j) {
      if (j.test) return;
      dirtyJobs.add(j);
      schedule();
    },
    snapshot(e: HistoryEntry) {
      write(putSnapshot, e.serial, JSON.stringify(e.signed));
    },
    commit() {
      if (dirtyNodes.size === 0 && dirtyJobs.size === 0) return true;
      if (writeDirty(Number.POSITIVE_INFINITY)) return true;
      schedule(); // try again with the next periodic save
      return false;
    },
    close() {
      closing = true;
      if (timer) clearTimeout(timer);
      while (dirtyJobs.size > 0 || dirtyNodes.size > 0) {
        const before = dirtyJobs.size + dirtyNodes.size;
        flush();
        if (dirtyJobs.size + dirtyNodes.size >= before) break; // the write failed: logged
      }
      db.close();
    },
  };
}

/** A job that was in flight when the devnet stopped goes back to the queue; its node may still answer. */
function reopen(job: JobRecord): JobRecord {
  if (!isOpen(job) || !isInFlight(job)) return job;
  if (job.node) job.takenFrom.push(job.node);
  addEvent(job, {
    at: job.assignedAt ?? 0,
    event: 'devnet_restarted',
    node: job.node ?? undefined,
  });
  job.node = null;
  job.state = 'pending';
  job.assignedPerf = null;
  return job;
}
