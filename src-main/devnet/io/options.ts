import { systemClock, type Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import type { NetworkName } from '../../core/protocol/networks.js';
import type { ConfigSnapshot } from '../../core/protocol/schemas/snapshot.js';

/** Everything `startDevnet` can be told. Every field has a default suited to a developer laptop. */
export interface DevnetOptions {
  /** 127.0.0.1 unless told otherwise: the devnet is a local tool. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  network?: NetworkName;
  /** Bearer token for /v1/admin/*; random when absent. */
  adminToken?: string;
  /** 0x-hex private key the devnet signs snapshots with; random when absent. */
  networkPrivateKey?: string;
  /** Where registered nodes, snapshots and the job ledger survive a restart (SQLite, WAL). */
  stateDir?: string;
  /** The first snapshot when the state dir holds none (serial must be 1 or more). */
  initialSnapshot?: ConfigSnapshot;
  /** Test tasks must reproduce the simulated runtime's output exactly. */
  strictTestCheck?: boolean;
  /** Assignments a job may use before it is failed as "reassigned too often". */
  maxAttempts?: number;
  /** How long a node that timed out, rejected or missed a deadline is served last. */
  deprioritizeMs?: number;
  /** Whole-job deadline (from submission) when the submitter gives none: this × execution_timeout_ms. */
  jobTtlFactor?: number;
  /** How often the dispatcher looks for timed-out assignments and expired jobs. */
  sweepIntervalMs?: number;
  /** A pending_test node whose test failed gets another one after this long (session open). */
  testRetryMs?: number;
  /** Transport-level ping period; a peer that misses one is terminated. */
  wsPingIntervalMs?: number;
  /** How long a fresh connection may take to send session_open. */
  sessionOpenTimeoutMs?: number;
  /** Terminal jobs kept in memory for GET /v1/admin/jobs (counters keep counting beyond). */
  maxRetainedJobs?: number;
  /** Log entries kept for GET /v1/admin/logs. */
  maxLogEntries?: number;
  clock?: Clock;
  /** High-resolution time for the assignment → result timings. */
  perfNow?: () => number;
  logger?: Logger;
}

export type ResolvedOptions = Required<
  Omit<DevnetOptions, 'adminToken' | 'networkPrivateKey' | 'stateDir' | 'initialSnapshot'>
> &
  Pick<DevnetOptions, 'adminToken' | 'networkPrivateKey' | 'stateDir' | 'initialSnapshot'>;

export function resolveOptions(o: DevnetOptions): ResolvedOptions {
  return {
    ...o,
    host: o.host ?? '127.0.0.1',
    port: o.port ?? 0,
    network: o.network ?? 'local',
    strictTestCheck: o.strictTestCheck ?? false,
    maxAttempts: o.maxAttempts ?? 5,
    deprioritizeMs: o.deprioritizeMs ?? 30_000,
    jobTtlFactor: o.jobTtlFactor ?? 3,
    sweepIntervalMs: o.sweepIntervalMs ?? 25,
    testRetryMs: o.testRetryMs ?? 30_000,
    wsPingIntervalMs: o.wsPingIntervalMs ?? 15_000,
    sessionOpenTimeoutMs: o.sessionOpenTimeoutMs ?? 10_000,
    maxRetainedJobs: o.maxRetainedJobs ?? 100_000,
    maxLogEntries: o.maxLogEntries ?? 10_000,
    clock: o.clock ?? systemClock,
    perfNow: o.perfNow ?? (() => performance.now()),
    logger: o.logger ?? silentLogger,
  };
}
