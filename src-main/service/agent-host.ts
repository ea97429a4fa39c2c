import type { RetryGate } from '../core/agent/retry-gate.js';
import type {
  BenchmarkDto,
  GpuSampleDto,
  GpuStateDto,
  KeyProtectionDto,
  ModelDiskDto,
  ModelDto,
  NetworkName,
  NodeStateDto,
  ProgressDto,
  SettingsDto,
  SetupCheckDto,
} from '../contract/index.js';
import type { Agent } from '../core/agent/agent.js';
import { Emitter, warnListenerErrors, type Event } from '../core/base/event.js';
import { DisposableStore, noopDisposable } from '../core/base/lifecycle.js';
import type { Clock } from '../core/clock.js';
import type { OwnerBinder, OwnerClaimSender } from '../core/identity/owner-binder.js';
import type { JobEvent } from '../core/jobs/job-engine-api.js';
import type { LogEntry, Logger } from '../core/logger.js';
import type { GpuSample } from '../core/runtime/gpu/gpu-sampler.js';
import type { Runtime } from '../core/runtime/runtime.js';
import type { AgentFacade, ImportKeyOutcome, ImportKeyRequest } from './agent-facade.js';
import { noGpuReadings, toSampleDto } from './gpu-view.js';
import type { LogHub } from './log-hub.js';
import type { PauseHost } from './pause-host.js';
import { limitsRestartRuntime } from './operator-limits.js';
import { ModelView } from './model-view.js';
import { idleStateDto, pauseField, runStateDto, type NodeStateMemory } from './node-state-dto.js';
import type { UpdatesView } from './updates-view.js';

/** The parts of the core `Agent` the UI reads. */
export type AgentLike = Pick<
  Agent,
  | 'state'
  | 'onStateChange'
  | 'start'
  | 'stop'
  | 'counters'
  | 'onJobEvent'
  | 'configStatus'
  | 'nodeId'
> & {
  config: Pick<Agent['config'], 'snapshot' | 'onApplied' | 'onStatus'> &
    Partial<Pick<Agent['config'], 'runtimeUpdates'>>;
  /** The network's view and the local problems (absent: the summary says less). */
  health?: Pick<Agent['health'], 'view' | 'onView'>;
  /** The operator's pause (absent: this agent cannot pause). */
  operatorPause?: Agent['operatorPause'];
};

/** One run of the node: an Agent starts once, so every Start composes a fresh run. */
export interface NodeRun {
  agent: AgentLike;
  runtime: Pick<Runtime, 'kind' | 'status' | 'onStatus' | 'models'>;
  /** The wait before the next try to reach the network ("Retry now" cuts it short). */
  retryGate?: Pick<RetryGate, 'next' | 'retryNow'>;
  /** Sends an owner claim with this run's key (the network answers once it is registered). */
  sendOwnerClaim?: OwnerClaimSender;
  /** Stops the agent (draining) if it still runs, then releases the run's resources. */
  close(reason?: string, drainTimeoutMs?: number): Promise<void>;
}

export interface AgentHostOptions {
  network: NetworkName;
  clock: Clock;
  logs: LogHub;
  /** Loads the identity and composes a run (composeNode). Called on each Start. */
  createRun: () => Promise<NodeRun>;
  keyProtection: () => KeyProtectionDto;
  /** The last benchmark of this network (the test task's measurement). */
  benchmark?: () => BenchmarkDto | null;
  /** The updates the network names (agent version, runtime image change). */
  updates?: UpdatesView;
  storedNodeId: () => Promise<string | undefined>;
  /** The node's owner with proof, kept across runs. */
  owner: Pick<
    OwnerBinder,
    | 'load'
    | 'record'
    | 'onChange'
    | 'setSender'
    | 'sendPending'
    | 'walletMessage'
    | 'bindWallet'
    | 'requestEmailCode'
    | 'confirmEmailCode'
  >;
  backupKey: (passphrase: string) => Promise<{ nodeId: string; content: string }>;
  importKey: (request: ImportKeyRequest) => Promise<ImportKeyOutcome>;
  gpu?: {
    state(): GpuStateDto;
    readonly onState?: Event<GpuStateDto>;
    readonly onSample: Event<GpuSample>;
  };
  setupChecks?: () => Promise<SetupCheckDto[]>;
  onSettings?: (settings: SettingsDto) => void;
  /** Where a failing listener is reported (default: the process-wide handler). */
  logger?: Logger;
  /** The operator pause, kept across runs (absent: Pause is not offered). */
  pauses?: PauseHost;
}

/** Adapts the core Agent (one per run) to the UI service's AgentFacade. */
export class AgentHost implements AgentFacade {
  private run: NodeRun | null = null;
  /** Subscriptions to the current run; released when the run is retired. */
  private readonly runSubscriptions = new DisposableStore();
  private starting: Promise<void> | null = null;
  private nodeId: string | null = null;
  private lastState: NodeStateDto;
  private totals = { completed_total: 0, failed_total: 0 };
  /** The network's test task as this node last ran it. */
  private benchmark: { tokensPerSecond: number | null } | null = null;
  // Every push to the UI goes through an Emitter: one failing listener cannot stop the others.
  private readonly stateChanged: Emitter<NodeStateDto>;
  private readonly jobEvents: Emitter<JobEvent>;
  private readonly modelView: ModelView;
  private readonly progressEvents: Emitter<ProgressDto>;
  readonly onState: Event<NodeStateDto>;
  readonly onJobEvent: Event<JobEvent>;
  readonly onModels: Event<ModelDto[]>;
  readonly onModelDisk: Event<ModelDiskDto | null>;
  readonly onProgress: Event<ProgressDto>;

  constructor(private readonly o: AgentHostOptions) {
    const options = o.logger ? { onListenerError: warnListenerErrors(o.logger, 'node event') } : {};
    this.stateChanged = new Emitter(options);
    this.jobEvents = new Emitter(options);
    this.modelView = new ModelView(options);
    this.progressEvents = new Emitter(options);
    this.onState = this.stateChanged.event;
    this.onJobEvent = this.jobEvents.event;
    this.onModels = this.modelView.onModels;
    this.onModelDisk = this.modelView.onDisk;
    this.onProgress = this.progressEvents.event;
    this.lastState = this.idleState('stopped', 'The node is stopped. Press Start to serve jobs.');
    o.pauses?.onChange(() =>
      this.run
        ? this.publish(this.run)
        : this.emitState({ ...this.lastState, ...pauseField(this.o) }),
    );
  }

  /** Pauses for `minutes` (null: until resumed); a stopped node starts paused. */
  async pause(minutes: number | null): Promise<void> {
    if (!this.o.pauses) throw new Error('This node cannot pause.');
    this.o.pauses.pauseFor(minutes);
  }

  /** Withdraws the manual pause. */
  async resume(): Promise<void> {
    this.o.pauses?.resume();
  }

  /** True while the operator's own "Pause" holds the node. */
  pausedByHand(): boolean {
    return this.o.pauses?.isPausedByHand() ?? false;
  }

  /** Reads the stored node ID and owner so the first snapshot shows them. */
  async init(): Promise<void> {
    this.nodeId = (await this.o.storedNodeId()) ?? null;
    await this.o.owner.load();
    this.o.owner.onChange(() => this.refreshOwner());
    this.emitState(this.idleState('stopped', this.lastState.reason));
  }

  state(): NodeStateDto {
    return this.lastState;
  }

  start(): Promise<void> {
    if (this.run) {
      const name = this.run.agent.state().name;
      if (name !== 'stopped') return Promise.reject(new Error('The node is already running.'));
    }
    this.starting ??= this.startRun().finally(() => (this.starting = null));
    return this.starting;
  }

  /** Drains the current run (`drainTimeoutMs` absent: the agent's own deadline). */
  /** "Retry now": the node tries to reach the network at once; false when it was not waiting. */
  retryNow(): boolean {
    return this.run?.retryGate?.retryNow() ?? false;
  }

  async stop(drainTimeoutMs?: number, reason = 'stopped by the operator'): Promise<void> {
    await this.starting?.catch(() => undefined);
    const run = this.run;
    if (!run) return;
    await run.close(reason, drainTimeoutMs);
    this.o.owner.setSender(null);
    this.publish(run);
  }

  counters() {
    const live = this.run?.agent.counters() ?? {
      in_flight: 0,
      completed_total: 0,
      failed_total: 0,
    };
    return {
      in_flight: live.in_flight,
      completed_total: this.totals.completed_total + live.completed_total,
      failed_total: this.totals.failed_total + live.failed_total,
    };
  }
  readonly onLog: Event<LogEntry> = (listener, store) => this.o.logs.onEntry(listener, store);

  gpu(): GpuStateDto {
    return this.o.gpu?.state() ?? noGpuReadings();
  }
  readonly onGpu: Event<GpuStateDto> = (listener, store) =>
    this.o.gpu?.onState?.(listener, store) ?? noopDisposable;
  readonly onGpuSamples: Event<GpuSampleDto[]> = (listener, store) =>
    this.o.gpu?.onSample((s) => listener([toSampleDto(s)]), store) ?? noopDisposable;

  /** From the run's model store (see ModelView); refreshed on every change. */
  models(): ModelDto[] {
    return this.modelView.models();
  }

  modelDisk(): ModelDiskDto | null {
    return this.modelView.disk();
  }

  /** Image pulls and model downloads, reported by the host's runtime. */
  reportProgress(progress: ProgressDto): void {
    this.progressEvents.fire(progress);
  }

  async checkSetup(): Promise<SetupCheckDto[]> {
    return this.o.setupChecks ? this.o.setupChecks() : [];
  }
  walletBindingMessage(address: string): string {
    return this.o.owner.walletMessage(address);
  }
  async bindWallet(message: string, signature: string): Promise<void> {
    await this.o.owner.bindWallet(message, signature);
  }
  async requestEmailCode(email: string): Promise<void> {
    await this.o.owner.requestEmailCode(email);
  }
  async confirmEmailCode(code: string): Promise<void> {
    await this.o.owner.confirmEmailCode(code);
  }
  backupKey(passphrase: string): Promise<{ nodeId: string; content: string }> {
    return this.o.backupKey(passphrase);
  }
  /** Only while stopped: a running node signs with the key it loaded at Start. */
  async importKey(request: ImportKeyRequest): Promise<ImportKeyOutcome> {
    const name = this.run?.agent.state().name;
    if (this.starting || (name !== undefined && name !== 'stopped')) {
      throw new Error(
        'Stop the node before importing a key: the running node uses the key it loaded at Start. ' +
          'Nothing was imported.',
      );
    }
    const result = await this.o.importKey(request);
    this.nodeId = (await this.o.storedNodeId()) ?? null;
    this.emitState({ ...this.lastState, nodeId: this.nodeId });
    return result;
  }
  applySettings(settings: SettingsDto): void {
    this.o.onSettings?.(settings);
  }
  restartsRuntime(prev: SettingsDto, next: SettingsDto): boolean {
    if (!this.run) return false;
    return limitsRestartRuntime(this.run.agent.config.snapshot()?.snapshot ?? null, prev, next);
  }

  private async startRun(): Promise<void> {
    if (this.run) await this.retire(this.run);
    this.emitState(this.idleState('initialised', 'Unlocking the node key and preparing the node.'));
    let run: NodeRun;
    try {
      run = await this.o.createRun();
    } catch (err) {
      this.emitState(
        this.idleState('stopped', `The node could not start: ${(err as Error).message}`),
      );
      throw err;
    }
    this.attach(run);
    try {
      await run.agent.start();
    } finally {
      this.publish(run);
    }
  }

  private attach(run: NodeRun): void {
    this.run = run;
    this.nodeId = run.agent.nodeId;
    const subs = this.runSubscriptions;
    run.agent.config.onApplied(() => {
      // The state carries the applied serial and the config status: show the new one now.
      this.publish(run);
      this.emitModels();
    }, subs);
    run.agent.config.onStatus(() => this.publish(run), subs);
    run.agent.config.runtimeUpdates?.onChange(() => this.publish(run), subs);
    run.agent.onStateChange(() => this.publish(run), subs);
    run.runtime.onStatus(() => {
      this.publish(run);
      this.emitModels();
    }, subs);
    run.agent.health?.onView(() => this.publish(run), subs);
    if (run.agent.operatorPause)
      this.o.pauses?.attach({ operatorPause: run.agent.operatorPause }, subs);
    run.agent.onJobEvent((e) => {
      if (e.test && e.kind === 'completed')
        this.benchmark = { tokensPerSecond: e.tokensPerSecond ?? null };
      this.jobEvents.fire(e);
    }, subs);
    run.runtime.models?.onChange(() => this.emitModels(), subs);
    this.emitModels();
    this.o.owner.setSender(run.sendOwnerClaim ?? null);
    // A proof saved while the node was stopped goes out once this run is registered.
    let sent = false;
    run.agent.onStateChange(({ state }) => {
      if (sent || !REGISTERED.has(state.name)) return;
      sent = true;
      void this.o.owner.sendPending();
    }, subs);
  }

  /** Keeps the finished run's totals and detaches from it. */
  private async retire(run: NodeRun): Promise<void> {
    const c = run.agent.counters();
    this.totals.completed_total += c.completed_total;
    this.totals.failed_total += c.failed_total;
    this.runSubscriptions.clear();
    this.o.owner.setSender(null);
    await run.close('restarting').catch(() => undefined);
    this.run = null;
  }

  private publish(run: NodeRun): void {
    if (run !== this.run) return;
    this.emitState(runStateDto(this.o, this.memory(), run, this.benchmark));
  }

  /** A test task measured this machine: the state shows the new benchmark. */
  benchmarkChanged(): void {
    this.emitState({ ...this.lastState, benchmark: this.o.benchmark?.() ?? null });
  }

  private idleState(state: NodeStateDto['state'], reason: string): NodeStateDto {
    return idleStateDto(this.o, this.memory(), state, reason);
  }

  private memory(): NodeStateMemory {
    // lastState is unset only while the constructor makes the first one.
    return { nodeId: this.nodeId, previous: this.lastState as NodeStateDto | undefined };
  }

  /** The owner changed (bound, refused, code sent): the state and its reason line follow. */
  private refreshOwner(): void {
    if (this.run) return this.publish(this.run);
    this.emitState({
      ...this.idleState(this.lastState.state, this.lastState.reason),
      since: this.lastState.since,
    });
  }

  private emitState(next: NodeStateDto): void {
    if (JSON.stringify(next) === JSON.stringify(this.lastState)) return;
    this.lastState = next;
    this.stateChanged.fire(next);
  }

  private emitModels(): void {
    const run = this.run;
    const source = run && {
      approved: () => run.agent.config.snapshot()?.snapshot.models ?? null,
      runtime: run.runtime,
    };
    this.modelView
      .refresh(source)
      .catch((err: unknown) =>
        this.o.logger?.warn(`Could not read the models: ${(err as Error).message}`),
      );
  }
}

/** Agent states in which the node is registered with the network. */
const REGISTERED = new Set(['testing', 'active', 'degraded']);
