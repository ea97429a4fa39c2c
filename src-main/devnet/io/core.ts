import { randomBytes } from 'node:crypto';
import { networkFrame } from '../../core/protocol/network-message.js';
import type { ConfigSnapshot, SignedSnapshot } from '../../core/protocol/schemas/snapshot.js';
import type { SubmitJobsInput } from './admin-schemas.js';
import { AvailabilityLedger, availabilityOf, type AvailabilityTotals } from './availability.js';
import { ConfigHistory, type HistoryEntry, type PublishInput } from './config-history.js';
import { ConfigService } from './config-service.js';
import { Control } from './control.js';
import { Dispatcher } from './dispatcher.js';
import { EnvelopeGate } from './envelope-gate.js';
import { Faults, type FaultState, type FaultsInput } from './faults.js';
import { ordersFrom } from './job-orders.js';
import type { JobRecord } from './job-record.js';
import { JobLedger, type Counters } from './ledger.js';
import { LogStore } from './log-store.js';
import type { NetworkKey } from './network-key.js';
import type { ResolvedOptions } from './options.js';
import { NodeRegistry, type NodeRecord, type StoredNode } from './registry.js';
import { OwnerDesk } from './owner-desk.js';
import { ResultDesk } from './result-desk.js';
import { SaveGate, type Saver } from './save-gate.js';
import type { SessionServer } from './session-server.js';
import { Workload } from './workload.js';
import { MAX_FRAME_BYTES } from '../../core/protocol/schemas/ws.js';

export interface Restored {
  nodes: StoredNode[];
  snapshots: SignedSnapshot[];
  jobs: JobRecord[];
  counters: Partial<Counters>;
}

/** Change hooks for persistence. */
export interface ChangeSink extends Saver {
  node(node: NodeRecord): void;
  snapshot(entry: HistoryEntry): void;
  job(job: JobRecord): void;
}

/** All the IO service's parts, wired together; the HTTP/WS front ends and the API call into it. */
export class DevnetCore {
  readonly faults = new Faults();
  readonly ledger: JobLedger;
  readonly registry: NodeRegistry;
  readonly history: ConfigHistory;
  readonly config: ConfigService;
  readonly gate: EnvelopeGate;
  readonly dispatcher: Dispatcher;
  readonly desk: ResultDesk;
  readonly owners: OwnerDesk;
  readonly control: Control;
  readonly logs: LogStore;
  readonly workload: Workload;
  /** Result acks and submissions are answered only once saved (with --state-dir). */
  readonly saves: SaveGate;
  sessions: SessionServer | null = null;
  /** Time each node spent up, paused by its operator, or down. */
  readonly availability = new AvailabilityLedger();

  constructor(
    readonly opts: ResolvedOptions,
    readonly key: NetworkKey,
    initial: ConfigSnapshot,
    restored: Restored,
    sink: ChangeSink,
  ) {
    this.saves = new SaveGate(sink, opts.logger);
    this.ledger = new JobLedger(opts.maxRetainedJobs, (j) => sink.job(j));
    this.ledger.restoreCounters(restored.counters);
    this.registry = new NodeRegistry(restored.nodes, (n) => sink.node(n));
    this.history = new ConfigHistory(key, restored.snapshots, initial, (e) => sink.snapshot(e));
    this.config = new ConfigService(this.history, this.faults, key);
    this.gate = new EnvelopeGate(this.config, this.faults, this.ledger, opts.clock);
    this.dispatcher = new Dispatcher({
      ledger: this.ledger,
      registry: this.registry,
      config: this.config,
      faults: this.faults,
      opts,
      onStatusChange: (node) => this.notifyStatus(node),
    });
    for (const job of restored.jobs) this.dispatcher.restore(job);
    this.owners = new OwnerDesk(opts.network, this.registry, () => this.gate.serverTime());
    this.desk = new ResultDesk(this.ledger, this.registry, this.dispatcher, opts.strictTestCheck);
    this.control = new Control(
      () => opts.clock.now(),
      opts.perfNow,
      () => this.gate.serverTime(),
    );
    this.logs = new LogStore(opts.maxLogEntries);
    this.workload = new Workload(
      opts.clock,
      () => this.config.effective,
      (orders) => this.dispatcher.submit(orders),
    );
  }

  /** Counts the node's time since the last look in the state seen then (see availability.ts). */
  observeAvailability(node: NodeRecord): AvailabilityTotals {
    const key = node.nodeId.toLowerCase();
    const now = this.opts.clock.now();
    const state = availabilityOf(node, this.dispatcher.links.get(key), this.config.effective, now);
    return this.availability.observe(key, state, now);
  }

  /** Publishes a snapshot and tells connected nodes (config_changed with what they are served). */
  publishSnapshot(input: PublishInput): HistoryEntry {
    const entry = this.history.publish(input, this.opts.clock.now());
    this.opts.logger.info('snapshot published', {
      serial: entry.serial,
      digest: entry.signed.config_digest,
    });
    this.pushConfigChanged();
    this.dispatcher.kick();
    return entry;
  }

  pushConfigChanged(): void {
    const served = this.config.served();
    this.sessions?.broadcast(
      networkFrame({
        type: 'config_changed',
        config_digest: served.signed.config_digest,
        serial: served.serial,
      }),
    );
  }

  setFaults(input: FaultsInput): FaultState {
    const on = this.faults.apply(input, MAX_FRAME_BYTES + 64 * 1024);
    this.opts.logger.info('faults changed', { faults: this.faults.state });
    if (
      on.includes('malformed_frames') ||
      on.includes('oversized_frames') ||
      on.includes('invalid_jobs')
    )
      this.sessions?.injectHostile();
    if (
      on.includes('replay_old_snapshot') ||
      input.replay_old_snapshot === false ||
      input.tampered_snapshot !== undefined
    )
      this.pushConfigChanged();
    if (input.config_changed_flood) this.floodConfigChanged(input.config_changed_flood.count);
    if (input.stop_answering === false) this.dispatcher.kick();
    return this.faults.state;
  }

  /** config_changed frames with made-up digests: a node must not fetch once per frame. */
  private floodConfigChanged(count: number): void {
    const serial = this.history.current.serial;
    for (let i = 0; i < count; i++) {
      this.sessions?.broadcast(
        networkFrame({
          type: 'config_changed',
          config_digest: `sha256:${randomBytes(32).toString('hex')}`,
          serial: serial + 1 + i,
        }),
      );
    }
  }

  clearFaults(): FaultState {
    const replaying =
      this.faults.state.replay_old_snapshot !== null ||
      this.faults.state.tampered_snapshot !== null;
    this.faults.clear();
    if (replaying) this.pushConfigChanged();
    this.dispatcher.kick();
    return this.faults.state;
  }

  /** Queues the jobs and saves them before the caller answers the submitter. */
  submitJobs(input: SubmitJobsInput): string[] {
    const ids = this.dispatcher.submit(ordersFrom(input, this.config.effective));
    if (!this.saves.saveNow()) {
      throw new Error(
        `the ${ids.length} jobs were queued but could not be saved to the state folder (see the devnet log): they are lost if the devnet stops`,
      );
    }
    return ids;
  }

  /** Operator override of a node's status (suspend, exclude, re-test, activate); the node is told. */
  setNodeStatus(node: NodeRecord, status: NodeRecord['status'], reason: string): void {
    this.registry.setStatus(node, status, reason);
    this.notifyStatus(node);
    this.opts.logger.info('node status set by the operator', { node: node.nodeId, status, reason });
    if (status === 'pending_test') this.dispatcher.tests.retest(node);
    this.dispatcher.kick();
  }

  /** Holds a node out of the job rotation (for tests), or lets it back in. */
  holdRotation(
    node: NodeRecord,
    o: { in_rotation: boolean; reason?: string; duration_ms?: number },
  ): void {
    const now = this.opts.clock.now();
    node.rotationHold = o.in_rotation
      ? null
      : {
          reason: o.reason ?? 'taken out of the rotation by the network operator',
          until: o.duration_ms === undefined ? null : now + o.duration_ms,
        };
    this.opts.logger.info(o.in_rotation ? 'node back in rotation' : 'node held out of rotation', {
      node: node.nodeId,
    });
    this.dispatcher.kick();
  }

  close(): void {
    this.workload.stop();
    this.dispatcher.close();
  }

  private notifyStatus(node: NodeRecord): void {
    this.dispatcher.links.get(node.nodeId.toLowerCase())?.send(
      networkFrame({
        type: 'node_status',
        status: node.status,
        reason: node.statusReason.slice(0, 500),
      }),
    );
  }
}
