import { DisposableStore } from '../base/lifecycle.js';
import { warnListenerErrors, type Event } from '../base/event.js';
import { ConfigSync } from '../config/config-sync.js';
import { requiresTls } from '../config/network-profiles.js';
import type { JobEvent } from '../jobs/job-engine-api.js';
import type { Logger } from '../logger.js';
import type { IoApi } from '../network/io-http-client.js';
import type { SessionInfo } from '../network/job-link.js';
import type { ConfigStatus, LogBatchBody } from '../protocol/index.js';
import type { RuntimeStatus } from '../runtime/runtime.js';
import { osMemory } from '../system/memory.js';
import { planContextOf, type AgentDeps } from './agent-deps.js';
import { startAgentLink } from './agent-link.js';
import { NodeHealth } from './health.js';
import { heartbeatAfterMetrics } from './heartbeat-body.js';
import { heartbeatOnce } from './heartbeat-task.js';
import type { SessionAnnouncer } from './session-announcer.js';
import { finalLogFlush, uploadLogs } from './log-uploader.js';
import { createAgentPauses, powerEnvelopeOf } from './agent-pauses.js';
import type { NetworkPause } from './network-pause.js';
import type { OperatorPause } from './operator-pause.js';
import { NetworkClock } from '../network/network-clock.js';
import { configProblem, journalProblem, runtimeCondition } from './problem-text.js';
import { registerWithRetry } from './register-node.js';
import { RegistrationStore } from './registration.js';
import { Repeater } from './repeater.js';
import { AgentStateMachine, type AgentState, type AgentStateChange } from './state-machine.js';

export type { AgentDeps, AgentIdentity, AgentOptions } from './agent-deps.js';
export type { AgentState, AgentStateChange } from './state-machine.js';
type Phase = 'idle' | 'starting' | 'registering' | 'online' | 'draining' | 'stopped';

/**
 * The node's lifecycle: restore state, register (or re-validate), keep link, heartbeats and
 * configuration in step, drain on stop; each state change has a plain reason (`onStateChange`).
 */
export class Agent {
  readonly machine: AgentStateMachine;
  readonly config: ConfigSync;
  private readonly io: IoApi;
  private readonly log: Logger;
  private readonly registrations: RegistrationStore;
  /** What decides whether the node gets jobs: the network's view and the local problems. */
  readonly health: NodeHealth;
  private readonly heartbeats: Repeater;
  private readonly logFlush: Repeater;
  private readonly abort = new AbortController();
  /** Subscriptions held while running; disposed once the node has stopped. */
  private readonly subscriptions = new DisposableStore();
  private readonly pause: NetworkPause;
  /** The operator's pause (manual, schedule, a game on the GPU…), set by the host. */
  readonly operatorPause: OperatorPause;
  private readonly networkClock: NetworkClock;
  private phase: Phase = 'idle';
  private wsPath = '/v1/ws';
  readonly announcer: SessionAnnouncer;
  private startedAt = 0;
  private stopping: Promise<void> | null = null;
  private reRegistering: Promise<void> | null = null;
  private resolveStopped: (s: AgentState) => void = () => {};
  /** Resolves with the final state once the node has stopped (for whatever reason). */
  readonly stopped: Promise<AgentState>;
  private lastHeartbeatAt: number | null = null;

  constructor(private readonly deps: AgentDeps) {
    const { clock, identity, profile } = deps;
    this.log = deps.logger.child('agent');
    this.machine = new AgentStateMachine(() => clock.now(), {
      onListenerError: warnListenerErrors(this.log, 'node state'),
    });
    this.onStateChange = this.machine.onChange;
    this.onJobEvent = deps.jobEngine.onEvent;
    const online = () => this.phase === 'online';
    this.health = new NodeHealth(this.machine, online, this.log, () => clock.now());
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
    // The network hears about a new state at once, not at the next heartbeat period.
    this.machine.onChange(({ state, previous }) => {
      if (state.name !== previous.name && this.phase === 'online') void this.heartbeats.trigger();
    });
    this.networkClock = new NetworkClock(
      this.log,
      () => (this.config?.snapshot()?.snapshot.ttl.clock_skew_ms ?? 60_000) / 2,
    );
    this.io = deps.createIo({
      onServerTime: (t, sent, received) => this.networkClock.observe(t, sent, received),
      baseUrl: profile.ioUrl,
      signer: identity,
      clock,
      requireHttps: requiresTls(profile),
    });
    this.registrations = new RegistrationStore(deps.dirs);
    this.config = new ConfigSync({
      store: deps.configStore,
      trust: { pinnedSigner: profile.pinnedSigner, network: profile.network },
      io: this.io,
      runtime: deps.runtime,
      jobEngine: deps.jobEngine,
      clock,
      logger: deps.logger,
      planContext: () => planContextOf(deps),
      ...(deps.runtimeUpdates ? { runtimeUpdates: deps.runtimeUpdates } : {}),
    });
    deps.runtimeUpdates?.onChange(() => this.phase === 'online' && this.heartbeats.trigger());
    const ttl = () => this.config.snapshot()?.snapshot.ttl;
    const pauses = createAgentPauses({
      deps,
      config: this.config,
      health: this.health,
      online: () => this.phase === 'online',
      heartbeat: () => void this.heartbeats.trigger(),
      log: this.log,
    });
    this.pause = pauses.network;
    this.operatorPause = pauses.operator;
    this.announcer = pauses.announcer;
    this.heartbeats = new Repeater(
      clock,
      () => ttl()?.heartbeat_interval_ms ?? deps.options?.defaultHeartbeatMs ?? 10_000,
      () => this.sendHeartbeat(),
    );
    this.logFlush = new Repeater(
      clock,
      () => ttl()?.log_flush_interval_ms ?? 30_000,
      () => this.flushLogs(),
    );
  }

  get nodeId(): string {
    return this.deps.identity.nodeId;
  }

  state(): AgentState {
    return this.machine.state;
  }

  /** Fires on every state change (new state or new reason), with the previous state. */
  readonly onStateChange: Event<AgentStateChange>;

  /** When the network last answered a heartbeat of this run (null: not yet). */
  heartbeatAt(): number | null {
    return this.lastHeartbeatAt;
  }
  configStatus(): ConfigStatus {
    return this.config.status();
  }

  counters() {
    return this.deps.jobEngine.counters();
  }

  /** Job updates for the UI. */
  readonly onJobEvent: Event<JobEvent>;

  /** Restores local state, then registers / reconnects in the background. */
  async start(): Promise<void> {
    if (this.phase !== 'idle') throw new Error(`The node was already started (${this.phase}).`);
    const { clock, identity, profile, runtime, jobEngine } = this.deps;
    this.phase = 'starting';
    this.startedAt = clock.now();
    this.machine.transition(
      'initialised',
      `identity ready: node ${identity.nodeId} on ${profile.network}`,
    );
    if (profile.placeholder) {
      this.log.warn(
        `The ${profile.network} profile still carries placeholder values (IO URL and network signer): configurations cannot be verified until the real ones ship.`,
      );
    }
    runtime.onStatus((s) => this.onRuntimeStatus(s), this.subscriptions);
    if (this.deps.journal) {
      this.deps.journal.onWriteProblem((p) => this.onJournalProblem(p), this.subscriptions);
    }
    this.onRuntimeStatus(runtime.status());
    this.config.onStatus((s) => this.onConfigStatus(s), this.subscriptions);
    this.config.onApplied(() => this.onConfigApplied(), this.subscriptions);
    try {
      await this.config.loadSaved();
      await jobEngine.resume();
    } catch (err) {
      await this.shutdown(`could not restore local state: ${(err as Error).message}`, 0);
      throw err;
    }
    void this.config.ensureRuntime();
    void this.bringOnline().catch((err: unknown) => {
      if (this.abort.signal.aborted) return;
      this.log.error(`The node could not come online: ${(err as Error).message}`);
      void this.shutdown(`could not come online: ${(err as Error).message}`, 0);
    });
  }

  /** Stop = drain: stop accepting, let in-flight jobs finish, flush logs, close sessions. */
  stop(reason = 'stopped by the operator', drainTimeoutMs?: number): Promise<void> {
    return this.shutdown(reason, drainTimeoutMs ?? this.deps.options?.drainTimeoutMs ?? 60_000);
  }

  /** Uploads one log batch through the signed HTTP client (for a LogStore's uploader). */
  async uploadLogBatch(batch: LogBatchBody): Promise<void> {
    if (this.phase !== 'online' && this.phase !== 'draining') {
      throw new Error('logs are uploaded once the node is registered');
    }
    await this.io.uploadLogs(batch);
  }

  /** Goes back to the previous verified configuration snapshot. */
  rollbackConfig(): Promise<boolean> {
    return this.config.rollback();
  }

  private async bringOnline(): Promise<void> {
    const { identity, profile } = this.deps;
    const saved = await this.registrations.read({
      nodeId: identity.nodeId,
      network: profile.network,
      networkSigner: profile.pinnedSigner,
    });
    if (saved.record) {
      this.health.restore(saved.record.status);
      this.wsPath = saved.record.ws_path;
      this.log.info(
        `Already registered as ${identity.nodeId}: reconnecting without registering again.`,
      );
      if (!this.config.snapshot()) await this.config.check('startup');
    } else {
      if (saved.problem) this.log.warn(`Registering again: ${saved.problem}.`);
      await this.register();
    }
    if (this.abort.signal.aborted) return;
    this.goOnline();
  }

  private async register(): Promise<void> {
    const { clock, profile, identity } = this.deps;
    this.phase = 'registering';
    this.machine.transition(
      'registering',
      `registering with the ${profile.network} network at ${profile.ioUrl}`,
    );
    const answer = await registerWithRetry(this.io, this.deps, profile, clock, this.log, {
      signal: this.abort.signal,
      onRetry: (reason, delay) =>
        this.machine.transition(
          'registering',
          `${reason} Retrying in ${Math.ceil(delay / 1000)} s.`,
        ),
    });
    this.wsPath = answer.ws_path;
    this.health.restore(answer.status);
    await this.registrations.write({
      node_id: identity.nodeId,
      network: profile.network,
      io_url: profile.ioUrl,
      network_signer: profile.pinnedSigner,
      ws_path: answer.ws_path,
      registered_at: clock.now(),
      status: answer.status,
    });
    this.log.info(`Registered as node ${identity.nodeId} (network status: ${answer.status}).`);
    await this.config.offer(answer.snapshot, 'registration');
  }

  private goOnline(): void {
    this.phase = 'online';
    this.onConfigStatus(this.config.status());
    startAgentLink({
      deps: this.deps,
      io: this.io,
      config: this.config,
      health: this.health,
      announcer: this.announcer,
      networkClock: this.networkClock,
      pause: this.pause,
      log: this.log,
      wsPath: this.wsPath,
      onUp: (session) => this.onLinkUp(session),
      reRegister: () => void this.reRegister(),
    });
    this.config.start();
    this.heartbeats.start(true);
    if (this.deps.logOutbox) this.logFlush.start(false);
  }

  private onJournalProblem(problem: string | null): void {
    this.health.set('journal', journalProblem(problem));
    this.announcer.reannounce();
  }

  private onLinkUp(session: SessionInfo): void {
    this.health.clear('clock');
    this.pause.sessionUp();
    // The runtime became ready while this session was opening as "not accepting": reopen now.
    if (this.announcer.reannounce()) return;
    this.health.setNodeStatus(session.status);
    void this.config.advertised(session.configDigest, 'session opening');
    this.deps.jobEngine
      .onLinkUp()
      .catch((err: unknown) =>
        this.log.error(`Re-sending results failed: ${(err as Error).message}`),
      );
  }

  private async sendHeartbeat(): Promise<void> {
    if (this.phase !== 'online' && this.phase !== 'draining') return;
    // Not accepting for want of disk space: each heartbeat period checks whether it is back.
    if (this.deps.journal?.writeProblem) await this.deps.journal.probe();
    const { clock, runtime, gpuSampler, jobEngine, agentVersion, hardware } = this.deps;
    return heartbeatOnce({
      io: this.io,
      health: this.health,
      config: this.config,
      log: this.log,
      notRegistered: () => void this.reRegister(),
      delivered: () => (this.lastHeartbeatAt = clock.now()),
      account: this.deps.account,
      body: () =>
        heartbeatAfterMetrics({
          agentVersion,
          startedAt: this.startedAt,
          clock,
          state: () => this.machine.state,
          runtime: this.announcer.watching(runtime),
          gpuSampler,
          memory: this.deps.memory ?? osMemory,
          config: this.config,
          jobs: jobEngine,
          hardware,
          operatorPause: () => this.operatorPause.wire(),
          powerEnvelope: () => powerEnvelopeOf(this.deps, this.announcer),
          benchmark: this.deps.benchmark,
          runtimeUpdate: () => this.config.runtimeUpdates?.report() ?? null,
          account: this.deps.account,
        }),
    });
  }

  private async flushLogs(): Promise<void> {
    if (this.deps.logOutbox) await uploadLogs(this.deps.logOutbox, this.io, this.log);
  }

  private reRegister(): Promise<void> {
    if (this.reRegistering || this.phase !== 'online')
      return this.reRegistering ?? Promise.resolve();
    this.log.warn('The network no longer knows this node: registering again with the same key.');
    this.reRegistering = (async () => {
      await this.registrations.clear();
      await this.register();
      if (this.abort.signal.aborted) return;
      this.phase = 'online';
      this.deps.link.reconnect();
      this.health.recompute();
      void this.heartbeats.trigger();
    })()
      .catch((err: unknown) => {
        if (!this.abort.signal.aborted)
          this.log.error(`Registering again failed: ${(err as Error).message}`);
      })
      .finally(() => (this.reRegistering = null));
    return this.reRegistering;
  }

  private onRuntimeStatus(s: RuntimeStatus): void {
    const { profile } = this.deps;
    const { problem, warmup } = runtimeCondition(s, profile.network, profile.allowSimulatedRuntime);
    this.health.setWarmup(warmup);
    this.health.set('runtime', problem);
    this.announcer.reannounce();
  }

  private onConfigStatus(s: ConfigStatus): void {
    this.health.set('config', configProblem(s, this.config.snapshot() !== null));
  }

  private onConfigApplied(): void {
    const ttl = this.config.snapshot()?.snapshot.ttl;
    if (ttl) {
      this.deps.logStore?.setFlushInterval(ttl.log_flush_interval_ms);
      try {
        this.deps.link.setRetry(ttl.retry_base_ms, ttl.retry_max_ms);
      } catch (err) {
        this.log.warn(`Ignored the configuration's retry timers: ${(err as Error).message}`);
      }
    }
    this.onConfigStatus(this.config.status());
    this.announcer.reannounce();
  }

  private shutdown(reason: string, drainTimeoutMs: number): Promise<void> {
    if (this.stopping) return this.stopping;
    this.stopping = (async () => {
      const wasStarted = this.machine.name !== 'not_initialised';
      this.abort.abort(new Error('the node is stopping'));
      this.phase = 'draining';
      if (wasStarted) {
        this.machine.transition('draining', reason);
        await this.deps.jobEngine
          .drain(drainTimeoutMs)
          .catch((err: unknown) =>
            this.log.error(`Draining jobs failed: ${(err as Error).message}`),
          );
        await this.heartbeats.stop();
        await this.logFlush.stop();
        await finalLogFlush(this.deps, this.io, this.log);
        await this.deps.link.stop(reason);
        await this.config.stop();
      }
      this.subscriptions.dispose();
      this.phase = 'stopped';
      this.machine.transition('stopped', reason);
      this.resolveStopped(this.machine.state);
    })();
    return this.stopping;
  }
}
