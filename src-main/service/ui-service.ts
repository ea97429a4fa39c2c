import type {
  CommandArg,
  CommandName,
  CommandResult,
  DashboardSnapshot,
  NodeStateDto,
  ProgressDto,
  SettingsDto,
  SetupCheckDto,
  StatsDto,
} from '../contract/index.js';
import { LOG_SEARCH_MAX_MATCHES } from '../contract/log-search.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import { searchLogFiles } from '../core/store/log-file-search.js';
import { warnListenerErrors } from '../core/base/event.js';
import { DisposableStore, type Disposable } from '../core/base/lifecycle.js';
import type { Logger } from '../core/logger.js';
import type { AgentFacade, HostActions } from './agent-facade.js';
import { backUpKey, importKeyFromHost } from './key-transfer.js';
import { InvalidCommandError, parseCommandArg } from './command-args.js';
import { RestartNeedsConfirmationError } from './operator-limits.js';
import { writeDiagnostics } from './diagnostics.js';
import { EventHub, type EventListener } from './event-hub.js';
import { GpuHistory } from './gpu-history.js';
import { JobTracker } from './job-tracker.js';
import { LogBatcher } from './log-batcher.js';
import type { SettingsStore } from './settings-store.js';
import { StatsTracker } from './stats-tracker.js';
import type { StatusRecorder } from '../core/status/status-recorder.js';
import { ThroughputHistory } from './throughput-history.js';

export interface UiServiceOptions {
  agent: AgentFacade;
  host: HostActions;
  settingsStore: SettingsStore;
  clock: Clock;
  logger: Logger;
  /** How long Stop waits for in-flight jobs. */
  drainTimeoutMs?: number;
  limits?: { jobs?: number; logLines?: number; snapshotLogLines?: number; gpuWindowMs?: number };
  logBatchMs?: number;
  statsIntervalMs?: number;
  /** Settings this host decides itself (headless: the network comes from the command line). */
  fixedSettings?: { keys: (keyof SettingsDto)[]; reason: string };
  /** Totals and the 24 h timeline kept across restarts (absent: none are shown). */
  history?: StatusRecorder;
}

type Handlers = { [C in CommandName]: (arg: CommandArg<C>) => Promise<CommandResult<C>> };

/**
 * The UI contract implemented over the agent, shared by the Electron shell (IPC) and the
 * headless dashboard (WebSocket). Keeps recent jobs, logs, stats and GPU history in memory and
 * pushes changes; UIs fetch one snapshot and then apply pushes.
 */
export class UiService {
  private readonly hub: EventHub;
  private readonly jobs: JobTracker;
  private readonly logs: LogBatcher;
  private readonly stats: StatsTracker;
  private readonly gpuHistory: GpuHistory;
  private readonly throughput = new ThroughputHistory();
  private readonly progress = new Map<string, ProgressDto>();
  /** Subscriptions to the agent; released on dispose. */
  private readonly subscriptions = new DisposableStore();
  private setup: SetupCheckDto[] = [];
  private setupRun: Promise<SetupCheckDto[]> | null = null;
  private settingsChain: Promise<unknown> = Promise.resolve();
  private statsTimer: TimerHandle | null = null;
  private lastStatsJson = '';
  private disposed = false;

  private constructor(
    private readonly opts: UiServiceOptions,
    private settings: SettingsDto,
  ) {
    const { agent, clock } = opts;
    this.hub = new EventHub({ onListenerError: warnListenerErrors(opts.logger, 'UI transport') });
    this.jobs = new JobTracker(opts.limits?.jobs ?? 200);
    this.stats = new StatsTracker(agent.counters());
    this.gpuHistory = new GpuHistory(opts.limits?.gpuWindowMs ?? 10 * 60_000);
    this.logs = new LogBatcher({
      clock,
      capacity: opts.limits?.logLines ?? 100_000,
      intervalMs: opts.logBatchMs ?? 200,
      push: (lines) => this.hub.emit('logs', lines),
    });
    const subs = this.subscriptions;
    const history = opts.history;
    const record = (state: NodeStateDto) => {
      if (!history) return;
      history.setRunning(state.startedAt !== null && state.state !== 'stopped');
      if (state.serving) history.recordServing(state.serving.phase, state.serving.headline);
    };
    record(agent.state());
    if (history) {
      history.onTotals((t) => this.hub.emit('totals', t), subs);
      history.onTimeline((t) => this.hub.emit('timeline', t), subs);
    }
    agent.onState((state) => {
      record(state);
      this.hub.emit('state', state);
    }, subs);
    agent.onLog((entry) => this.logs.add(entry), subs);
    agent.onJobEvent((event) => {
      history?.onJob(event);
      this.hub.emit('job', this.jobs.apply(event));
      if (this.stats.apply(event)) this.pushStats();
    }, subs);
    agent.onGpu((gpu) => this.hub.emit('gpu', gpu), subs);
    agent.onGpuSamples((samples) => {
      this.gpuHistory.add(samples, clock.now());
      this.hub.emit('gpuSamples', samples);
    }, subs);
    agent.onModels((models) => this.hub.emit('models', models), subs);
    agent.onModelDisk?.((disk) => this.hub.emit('modelDisk', disk), subs);
    agent.onProgress((p) => {
      this.progress.set(p.id, p);
      if (p.state !== 'running') this.trimProgress();
      this.hub.emit('progress', p);
    }, subs);
    // Rates decay with time even when nothing happens, so main re-pushes them (UIs never poll).
    this.statsTimer = clock.setInterval(() => this.pushStats(), opts.statsIntervalMs ?? 1_000);
  }

  static async create(opts: UiServiceOptions): Promise<UiService> {
    const settings = await opts.settingsStore.load();
    const problem = opts.settingsStore.lastProblem;
    if (problem) opts.logger.warn(problem);
    await opts.agent.applySettings(settings);
    opts.host.onSettingsChanged?.(settings);
    return new UiService(opts, settings);
  }

  /** Subscribes a UI transport to every pushed event. */
  subscribe(listener: EventListener, store?: DisposableStore): Disposable {
    return this.hub.subscribe(listener, store);
  }

  /** Validates the argument (it comes from a UI) and runs the command. Throws on failure. */
  async invoke<C extends CommandName>(command: C, arg: unknown): Promise<CommandResult<C>> {
    const parsed = parseCommandArg(command, arg);
    const handler = this.handlers[command] as (a: CommandArg<C>) => Promise<CommandResult<C>>;
    return handler(parsed);
  }

  currentState(): NodeStateDto {
    return this.opts.agent.state();
  }

  currentSettings(): SettingsDto {
    return { ...this.settings };
  }

  private readonly handlers: Handlers = {
    getSnapshot: async () => this.snapshot(),
    start: async () => {
      const { agent } = this.opts;
      // Headless Start after Stop: the process never stopped, the pause ends.
      if (agent.pausedByHand?.()) await agent.resume?.();
      if (agent.state().state === 'stopped') await agent.start();
      return agent.state();
    },
    stop: async () => {
      const { agent, host } = this.opts;
      // Headless: Stop drains and pauses; the session and the process stay (Start resumes).
      if (host.kind === 'headless' && agent.pause) await agent.pause(null);
      else await agent.stop(this.opts.drainTimeoutMs ?? 30_000);
      return agent.state();
    },
    pause: async ({ minutes }) => {
      if (!this.opts.agent.pause) throw new InvalidCommandError('This node cannot pause.');
      await this.opts.agent.pause(minutes);
      return this.opts.agent.state();
    },
    resume: async () => {
      await this.opts.agent.resume?.();
      return this.opts.agent.state();
    },
    endProcess: async () => {
      const end = this.opts.host.endProcess;
      if (!end) throw new InvalidCommandError('Quit the app to end the node on the desktop.');
      end();
      return { ending: true };
    },
    updateSettings: (patch) => this.updateSettings(patch),
    walletBindingMessage: async ({ address }) => ({
      message: this.opts.agent.walletBindingMessage(address),
    }),
    bindWallet: async ({ message, signature }) => {
      await this.opts.agent.bindWallet(message, signature);
      return this.opts.agent.state();
    },
    requestEmailCode: async ({ email }) => {
      await this.opts.agent.requestEmailCode(email);
      return this.opts.agent.state();
    },
    confirmEmailCode: async ({ code }) => {
      await this.opts.agent.confirmEmailCode(code);
      return this.opts.agent.state();
    },
    checkSetup: () => this.runSetupChecks(),
    exportDiagnostics: async () => ({
      path: await writeDiagnostics(
        this.opts.host.exportDir,
        this.snapshot(),
        this.logs.recent(5_000),
      ),
    }),
    openLogsFolder: async () => {
      await this.opts.host.openFolder(this.opts.host.logsDir);
      return { path: this.opts.host.logsDir };
    },
    searchLogs: ({ text, before }) =>
      searchLogFiles({
        dir: this.opts.host.logsDir,
        text,
        ...(before !== undefined ? { before } : {}),
        maxMatches: LOG_SEARCH_MAX_MATCHES,
      }),
    retryNow: async () => ({ retried: this.opts.agent.retryNow?.() ?? false }),
    backupKey: ({ passphrase }) =>
      backUpKey(
        this.opts.agent,
        this.opts.host,
        this.opts.agent.state().network,
        passphrase,
        this.opts.clock.now(),
      ),
    importKey: ({ passphrase }) => importKeyFromHost(this.opts.agent, this.opts.host, passphrase),
  };

  snapshot(): DashboardSnapshot {
    const { agent, clock, host } = this.opts;
    return {
      node: agent.state(),
      stats: this.statsNow(),
      gpu: agent.gpu(),
      gpuHistory: this.gpuHistory.samples(clock.now()),
      models: agent.models(),
      modelDisk: agent.modelDisk?.() ?? null,
      progress: [...this.progress.values()],
      jobs: this.jobs.recent(),
      logs: this.logs.recent(this.opts.limits?.snapshotLogLines ?? 2_000),
      setup: this.setup,
      settings: this.currentSettings(),
      ...(this.opts.history
        ? { totals: this.opts.history.totalsNow(), timeline: this.opts.history.timelineNow() }
        : {}),
      throughput: this.throughput.points(),
      host: host.kind,
      appVersion: host.appVersion,
    };
  }

  /** Stops the agent (draining in-flight jobs), flushes the last log lines and detaches. */
  async shutdown(drainTimeoutMs: number): Promise<void> {
    try {
      await this.opts.agent.stop(drainTimeoutMs);
    } finally {
      this.logs.flush();
      this.dispose();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.subscriptions.dispose();
    if (this.statsTimer !== null) this.opts.clock.clearInterval(this.statsTimer);
    this.statsTimer = null;
    this.logs.dispose();
  }

  private statsNow(): StatsDto {
    return this.stats.snapshot(this.opts.clock.now(), this.opts.agent.counters().in_flight);
  }

  private pushStats(): void {
    const stats = this.statsNow();
    const json = JSON.stringify(stats);
    if (json === this.lastStatsJson) return;
    this.lastStatsJson = json;
    this.throughput.add(this.opts.clock.now(), stats.tokensPerSecond);
    this.hub.emit('stats', stats);
  }

  private runSetupChecks(): Promise<SetupCheckDto[]> {
    // Two windows clicking "Check again" share one run.
    this.setupRun ??= this.opts.agent
      .checkSetup()
      .then((checks) => {
        this.setup = checks;
        this.hub.emit('setup', checks);
        return checks;
      })
      .finally(() => {
        this.setupRun = null;
      });
    return this.setupRun;
  }

  private updateSettings({
    confirmRestart,
    ...patch
  }: Partial<SettingsDto> & { confirmRestart?: boolean }): Promise<SettingsDto> {
    // One at a time, so two quick toggles cannot overwrite each other.
    const next = this.settingsChain.then(async () => {
      const fixed = this.opts.fixedSettings;
      const blocked = fixed?.keys.filter((k) => k in patch && patch[k] !== this.settings[k]) ?? [];
      if (fixed && blocked.length > 0) {
        throw new InvalidCommandError(
          `${blocked.join(', ')} cannot be changed here: ${fixed.reason}`,
        );
      }
      const merged: SettingsDto = { ...this.settings, ...patch };
      if (JSON.stringify(merged) === JSON.stringify(this.settings)) return this.currentSettings();
      const running = this.opts.agent.counters().in_flight;
      if (
        !confirmRestart &&
        running > 0 &&
        this.opts.agent.restartsRuntime?.(this.settings, merged)
      )
        throw new RestartNeedsConfirmationError(running);
      await this.opts.settingsStore.save(merged);
      this.settings = merged;
      await this.opts.agent.applySettings(merged);
      this.opts.host.onSettingsChanged?.(merged);
      this.hub.emit('settings', this.currentSettings());
      return this.currentSettings();
    });
    this.settingsChain = next.catch(() => undefined);
    return next;
  }

  private trimProgress(): void {
    // Keep finished transfers briefly visible but bounded.
    const finished = [...this.progress.values()].filter((p) => p.state !== 'running');
    for (const p of finished.slice(0, Math.max(0, finished.length - 20)))
      this.progress.delete(p.id);
  }
}
