import { Emitter, warnListenerErrors, type Event } from '../base/event.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { JobEngineApi } from '../jobs/job-engine-api.js';
import type { Logger } from '../logger.js';
import type { IoApi } from '../network/io-http-client.js';
import {
  verifySignedSnapshot,
  type ConfigStatus,
  type NetworkName,
  type VerifiedSnapshot,
} from '../protocol/index.js';
import type { Runtime } from '../runtime/runtime.js';
import { digestOf, statusForError } from './config-status.js';
import { RuntimeFollower } from './runtime-follower.js';
import type { PlanContext } from './runtime-plan.js';
import type { RuntimeUpdater } from './runtime-update.js';
import { loadSavedConfig } from './saved-config.js';
import type { AppliedRecord, SnapshotStore } from './snapshot-store.js';

export interface ConfigSyncOptions {
  store: SnapshotStore;
  trust: { pinnedSigner: string; network: NetworkName };
  io: Pick<IoApi, 'configDigest' | 'snapshot'>;
  runtime: Pick<Runtime, 'apply'>;
  jobEngine: Pick<JobEngineApi, 'setConfig' | 'onConfigApplied'>;
  clock: Clock;
  logger: Logger;
  planContext?: () => PlanContext;
  /** Image changes go through it (pull while serving, test inference, roll back). */
  runtimeUpdates?: RuntimeUpdater;
  /** Snapshots kept on disk for rollback. Default 10. */
  historyLimit?: number;
  /** Digest check period before any snapshot is known. Default 60 s. */
  defaultCheckIntervalMs?: number;
}

/**
 * Keeps the node's configuration in step with the network: digest checks (periodic, pushed, or
 * from a heartbeat), download, verification against the PINNED network signer, atomic apply
 * with a bounded on-disk history, last-known-good on any failure, and operator rollback.
 */
export class ConfigSync {
  private readonly appliedEvents: Emitter<VerifiedSnapshot>;
  private readonly statusEvents: Emitter<ConfigStatus>;
  /** Fires with each snapshot that becomes the applied one (also a rollback's). */
  readonly onApplied: Event<VerifiedSnapshot>;
  /** Fires when the configuration status changes. */
  readonly onStatus: Event<ConfigStatus>;
  private applied: VerifiedSnapshot | null = null;
  private record: AppliedRecord | null = null;
  /** The snapshot to go back to if the runtime cannot switch to the applied one. */
  private fallback: VerifiedSnapshot | null = null;
  private readonly follower: RuntimeFollower;
  /** Where the last runtime image change stands (null: plain applies only). */
  readonly runtimeUpdates: RuntimeUpdater | null;
  private current: ConfigStatus = { state: 'ok' };
  /** The applied snapshot could not be recorded on disk (reported until a record succeeds). */
  private unrecorded = false;
  private chain: Promise<unknown> = Promise.resolve();
  /** The latest advertised digest not fetched yet (newer advertisements replace it). */
  private wanted: { digest: string; reason: string } | null = null;
  /** The one fetch loop in flight for advertised digests. */
  private fetching: Promise<void> | null = null;
  private timer: TimerHandle | null = null;
  private running = false;
  private readonly log: Logger;

  constructor(private readonly opts: ConfigSyncOptions) {
    this.log = opts.logger.child('config');
    const onListenerError = warnListenerErrors(this.log, 'configuration');
    this.appliedEvents = new Emitter({ onListenerError });
    this.statusEvents = new Emitter({ onListenerError });
    this.onApplied = this.appliedEvents.event;
    this.onStatus = this.statusEvents.event;
    this.follower = new RuntimeFollower(
      opts.runtime,
      () => opts.planContext?.() ?? { driverMajor: null },
      this.log,
      (target, error) => this.onRuntimeOutcome(target, error),
      opts.runtimeUpdates ?? null,
    );
    this.runtimeUpdates = opts.runtimeUpdates ?? null;
  }

  snapshot(): VerifiedSnapshot | null {
    return this.applied;
  }

  status(): ConfigStatus {
    return this.current;
  }

  /** Restores the last applied snapshot from disk (re-verified). */
  loadSaved(): Promise<VerifiedSnapshot | null> {
    return this.exclusive(async () => {
      const { store, trust, clock } = this.opts;
      const saved = await loadSavedConfig(store, trust, this.log, clock.now());
      if (!saved) return null;
      this.applied = saved.verified;
      this.record = saved.record;
      if (saved.fellBack) await store.writeApplied(saved.record);
      this.opts.jobEngine.setConfig(saved.verified.snapshot, saved.verified.digest);
      this.log.info(
        `Using the saved configuration serial ${saved.verified.snapshot.serial} (${saved.verified.digest}).`,
      );
      return saved.verified;
    });
  }

  /** Verifies and applies a snapshot received by other means (the registration answer). */
  offer(raw: unknown, source: string): Promise<boolean> {
    return this.exclusive(() => this.verifyAndApply(raw, source));
  }

  /** Compares the network's digest with the applied one and fetches on a difference. */
  check(reason = 'periodic check'): Promise<void> {
    return this.exclusive(async () => {
      try {
        const { config_digest } = await this.opts.io.configDigest();
        await this.follow(config_digest, reason);
      } catch (err) {
        this.setStatus(statusForError(err));
        this.log.warn(`Configuration check failed (${reason}): ${(err as Error).message}`);
      }
      if (this.applied) void this.follower.follow(this.applied);
    });
  }

  /**
   * A digest the network advertised (config_changed push, heartbeat answer, session_ready).
   * One fetch at a time: digests advertised meanwhile replace each other and only the latest
   * is fetched next, so a flood of pushes costs at most two downloads.
   */
  advertised(digest: string, reason: string): Promise<void> {
    if (digest === this.applied?.digest && this.fetching === null) return Promise.resolve();
    this.wanted = { digest, reason };
    this.fetching ??= this.fetchWanted().finally(() => (this.fetching = null));
    return this.fetching;
  }

  private async fetchWanted(): Promise<void> {
    for (let next = this.wanted; next !== null; next = this.wanted) {
      this.wanted = null;
      const { digest, reason } = next;
      await this.exclusive(async () => {
        try {
          await this.follow(digest, reason);
        } catch (err) {
          this.setStatus(statusForError(err));
          this.log.warn(`Could not fetch the configuration (${reason}): ${(err as Error).message}`);
        }
      });
    }
  }

  /** Brings the runtime to the applied snapshot's plan; resolves when the attempt is over. */
  async ensureRuntime(): Promise<void> {
    const applied = this.applied;
    if (applied) await this.follower.follow(applied);
  }

  /** Operator pause: no runtime plan is applied until `resumeRuntime` (the pause stops it). */
  holdRuntime(): void {
    this.follower.hold();
  }

  /** The pause is over: brings the runtime back to the applied (or newer) snapshot's plan. */
  resumeRuntime(): Promise<void> {
    return this.follower.release(this.applied);
  }

  /** Resolves when no configuration work (including the runtime switch) is pending. */
  async idle(): Promise<void> {
    await this.chain;
    await this.follower.idle();
    await this.chain;
  }

  /** Goes back to the previous verified snapshot; the current one is held back. */
  rollback(): Promise<boolean> {
    return this.exclusive(async () => {
      const current = this.applied;
      if (!current) return false;
      for (const entry of await this.opts.store.list()) {
        if (entry.digest === current.digest || entry.serial > current.snapshot.serial) continue;
        let previous: VerifiedSnapshot;
        try {
          previous = verifySignedSnapshot(
            await this.opts.store.readRaw(entry.file),
            this.opts.trust,
          );
        } catch (err) {
          this.log.error(`Skipped saved configuration ${entry.file}: ${(err as Error).message}`);
          continue;
        }
        const heldBack = [...(this.record?.held_back ?? []), current.digest];
        const ok = await this.apply(previous, 'rollback', heldBack, false);
        if (ok) {
          this.setStatus({
            state: 'ok',
            detail: `rolled back from serial ${current.snapshot.serial}`,
          });
          this.log.warn(
            `Rolled back to configuration serial ${previous.snapshot.serial}; serial ${current.snapshot.serial} is held back until the network issues a newer one.`,
          );
        }
        return ok;
      }
      this.log.warn('No earlier verified configuration is saved: nothing to roll back to.');
      return false;
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.arm();
  }

  stop(): Promise<void> {
    this.running = false;
    if (this.timer !== null) this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
    return this.chain.then(() => undefined);
  }

  private arm(): void {
    if (!this.running) return;
    if (this.timer !== null) this.opts.clock.clearTimeout(this.timer);
    const every =
      this.applied?.snapshot.ttl.config_check_interval_ms ??
      this.opts.defaultCheckIntervalMs ??
      60_000;
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = null;
      void this.check().finally(() => this.arm());
    }, every);
  }

  private async follow(digest: string, reason: string): Promise<void> {
    if (digest === this.applied?.digest) {
      if (this.current.state !== 'apply_failed') this.setStatus(this.okStatus());
      return;
    }
    if (this.record?.held_back.includes(digest)) return;
    // A snapshot refused on verification is not downloaded again; a failed apply is retried.
    if (digest === this.current.refused_digest && this.current.state !== 'apply_failed') return;
    this.log.info(`The network has a new configuration (${reason}): fetching ${digest}.`);
    const raw = await this.opts.io.snapshot(digest);
    await this.verifyAndApply(raw, reason);
  }

  private async verifyAndApply(raw: unknown, source: string): Promise<boolean> {
    let verified: VerifiedSnapshot;
    try {
      verified = verifySignedSnapshot(raw, {
        ...this.opts.trust,
        ...(this.record ? this.replayFloor(this.record) : {}),
      });
    } catch (err) {
      const refused = digestOf(raw);
      this.setStatus(statusForError(err, refused));
      const keep = this.applied ? `serial ${this.applied.snapshot.serial}` : 'none yet';
      this.log.warn(
        `Refused a configuration from the network (${source}): ${(err as Error).message}. Keeping the last good configuration (${keep}).`,
      );
      return false;
    }
    if (verified.digest === this.applied?.digest) {
      this.setStatus(this.okStatus());
      return true;
    }
    const newer = !this.record || verified.snapshot.serial > this.record.highest_serial;
    const heldBack = newer ? [] : (this.record?.held_back ?? []);
    return this.apply(verified, source, heldBack);
  }

  /** Persist → switch in one step → record; the runtime follows in the background. */
  private async apply(
    next: VerifiedSnapshot,
    source: string,
    heldBack: string[],
    revertible = true,
  ): Promise<boolean> {
    const { store, jobEngine, clock } = this.opts;
    const previous = this.applied;
    try {
      await store.save(next.signed, next.snapshot.serial, next.digest);
    } catch (err) {
      this.setStatus(statusForError(err, next.digest));
      this.log.error(`Could not save the new configuration: ${(err as Error).message}`);
      return false;
    }
    this.applied = next;
    // An operator's rollback is not undone by a runtime failure.
    this.fallback = revertible ? previous : null;
    jobEngine.setConfig(next.snapshot, next.digest);
    this.record = {
      digest: next.digest,
      serial: next.snapshot.serial,
      applied_at: clock.now(),
      ...highestAfter(this.record, next),
      held_back: heldBack,
    };
    const recorded = await this.recordApplied();
    this.setStatus(recorded ? this.okStatus() : this.unrecordedStatus());
    this.log.info(
      `Applied configuration serial ${next.snapshot.serial} (${next.digest}) from ${source}.`,
    );
    await jobEngine
      .onConfigApplied(next.digest)
      .catch((err: unknown) =>
        this.log.warn(`Job trace cleanup failed: ${(err as Error).message}`),
      );
    const keep = new Set([next.digest, ...(previous ? [previous.digest] : [])]);
    await store.prune(this.opts.historyLimit ?? 10, keep).catch(() => undefined);
    this.arm();
    this.appliedEvents.fire(next);
    void this.follower.follow(next);
    return true;
  }

  /** The runtime could (not) switch: clear the failure, or go back to the previous snapshot. */
  private async onRuntimeOutcome(target: VerifiedSnapshot, error: string | null): Promise<void> {
    if (target !== this.applied) return;
    if (error === null) {
      // Serving the fallback again does not clear the failure of the refused snapshot.
      const failed = this.current.state === 'apply_failed';
      const aboutOther =
        this.current.refused_digest && this.current.refused_digest !== target.digest;
      if (failed && !aboutOther && !this.unrecorded) this.setStatus(this.okStatus());
      return;
    }
    const fallback = this.fallback;
    if (!fallback || fallback.digest === target.digest) {
      this.setStatus({ state: 'apply_failed', detail: `runtime: ${error}`.slice(0, 500) });
      this.log.error(
        `The runtime could not apply configuration serial ${target.snapshot.serial}: ${error}`,
      );
      return;
    }
    await this.exclusive(async () => {
      if (target !== this.applied) return;
      this.applied = fallback;
      this.fallback = null;
      this.opts.jobEngine.setConfig(fallback.snapshot, fallback.digest);
      this.record = {
        ...(this.record as AppliedRecord),
        digest: fallback.digest,
        serial: fallback.snapshot.serial,
        applied_at: this.opts.clock.now(),
      };
      await this.recordApplied();
      this.setStatus({
        state: 'apply_failed',
        detail: `the runtime could not switch: ${error}`.slice(0, 500),
        refused_digest: target.digest,
      });
      this.log.error(
        `Configuration serial ${target.snapshot.serial} could not be applied (${error}); back on serial ${fallback.snapshot.serial}. It is retried at the next check.`,
      );
      this.appliedEvents.fire(fallback);
      void this.follower.follow(fallback);
    });
  }

  /**
   * Persists which snapshot is applied. A full or read-only disk must not stop the switch in
   * memory: the node keeps serving on it and reports the problem (it re-verifies at restart).
   */
  private async recordApplied(): Promise<boolean> {
    try {
      await this.opts.store.writeApplied(this.record!);
      this.unrecorded = false;
      return true;
    } catch (err) {
      this.unrecorded = true;
      this.log.error(
        'Could not record the applied configuration on disk (disk full or not writable?).',
        {
          error: err instanceof Error ? err.message : String(err),
        },
      );
      return false;
    }
  }

  private replayFloor(r: AppliedRecord): { appliedSerial: number; appliedDigest?: string } {
    const digest = r.highest_digest ?? (r.serial === r.highest_serial ? r.digest : undefined);
    return { appliedSerial: r.highest_serial, ...(digest ? { appliedDigest: digest } : {}) };
  }

  private unrecordedStatus(): ConfigStatus {
    return {
      state: 'apply_failed',
      detail: 'applied in memory, but it could not be saved on disk (disk full or not writable)',
    };
  }

  private okStatus(): ConfigStatus {
    return { state: 'ok' };
  }

  private setStatus(status: ConfigStatus): void {
    const changed = JSON.stringify(status) !== JSON.stringify(this.current);
    this.current = status;
    if (changed) this.statusEvents.fire(status);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

/** The replay floor after applying `next`: the highest serial and the digest it carried. */
function highestAfter(
  record: AppliedRecord | null,
  next: VerifiedSnapshot,
): Pick<AppliedRecord, 'highest_serial' | 'highest_digest'> {
  if (!record || next.snapshot.serial > record.highest_serial) {
    return { highest_serial: next.snapshot.serial, highest_digest: next.digest };
  }
  const digest =
    record.highest_digest ?? (record.serial === record.highest_serial ? record.digest : undefined);
  return { highest_serial: record.highest_serial, ...(digest ? { highest_digest: digest } : {}) };
}
