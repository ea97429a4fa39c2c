// A scripted node behind the real dashboard server, for browser tests that need no agent.
import type {
  CommandName,
  DashboardSnapshot,
  EventName,
  Events,
  JobDto,
  LogLineDto,
  NodeStateDto,
  OwnerBinding,
  SettingsDto,
  StatsDto,
} from '../../../src-main/contract/index.js';
import type { Disposable } from '../../../src-main/core/base/lifecycle.js';
import { EventHub, type EventListener } from '../../../src-main/service/event-hub.js';
import { surfaceListenerErrors } from '../../helpers/listener-errors.js';
import * as data from './fake-node-data.js';

export class FakeNodeService {
  node: NodeStateDto;
  stats: StatsDto = {
    jobsDone: 0,
    jobsFailed: 0,
    inFlight: 0,
    tokensServed: 0,
    tokensPerSecond: 0,
    jobsPerMinute: 0,
  };
  settings: SettingsDto;
  jobs: JobDto[] = [];
  logs: LogLineDto[] = [];
  readonly #hub = new EventHub(surfaceListenerErrors);
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #loops: ReturnType<typeof setInterval>[] = [];
  #seq = 0;
  #tick = 0;

  /**
   * Which host the page believes it runs in. 'desktop' by default: the fake node plays the
   * desktop app's node (a GPU, every setting, the network switch), so this suite covers the
   * desktop-only settings; the real-node suite covers the headless ones.
   */
  constructor(
    dataDir: string,
    readonly host: DashboardSnapshot['host'] = 'desktop',
  ) {
    const now = Date.now();
    this.node = data.initialNode(now);
    this.settings = data.settings(dataDir);
    for (let i = 0; i < 200; i++) this.logs.push(data.logLine(this.#seq++, now - (200 - i) * 500));
  }

  subscribe(listener: EventListener): Disposable {
    return this.#hub.subscribe(listener);
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    this.#hub.emit(event, payload);
  }

  /** Pushes `count` log lines in batches, as the real service does. */
  pushLogs(count: number, batch = 5000): void {
    for (let done = 0; done < count; done += batch) {
      const lines: LogLineDto[] = [];
      const now = Date.now();
      for (let i = 0; i < Math.min(batch, count - done); i++)
        lines.push(data.logLine(this.#seq++, now));
      this.logs.push(...lines);
      this.emit('logs', lines);
    }
    if (this.logs.length > 5000) this.logs.splice(0, this.logs.length - 5000);
  }

  async invoke(command: CommandName, arg: unknown): Promise<unknown> {
    switch (command) {
      case 'getSnapshot':
        return this.snapshot();
      case 'start':
        return this.#start();
      case 'stop':
        return this.#stop();
      case 'updateSettings': {
        const patch = arg as Partial<SettingsDto>;
        if (
          patch.maxConcurrentJobs !== undefined &&
          patch.maxConcurrentJobs !== null &&
          patch.maxConcurrentJobs > 64
        ) {
          throw Object.assign(
            new Error(
              'This node can run at most 64 jobs at once (the network limit). Choose 64 or fewer.',
            ),
            { name: 'InvalidSettingError' },
          );
        }
        this.settings = { ...this.settings, ...patch };
        this.emit('settings', this.settings);
        return this.settings;
      }
      case 'walletBindingMessage': {
        const { address } = arg as { address: string };
        if (/^0x0{40}$/.test(address)) {
          throw Object.assign(
            new Error('The zero address cannot own a node; use your own wallet address.'),
            { name: 'AccountBindingError' },
          );
        }
        return { message: `Resultity: bind a node to my wallet\n\nWallet: ${address}` };
      }
      case 'bindWallet': {
        const { message } = arg as { message: string };
        const address = message.split('Wallet: ')[1] ?? '';
        const owner: OwnerBinding = { kind: 'wallet', address };
        this.#setNode({ owner, account: { owner, state: 'pending' } });
        return this.node;
      }
      case 'requestEmailCode': {
        const owner: OwnerBinding = { kind: 'email', email: (arg as { email: string }).email };
        this.#setNode({ owner, account: { owner, state: 'code_sent' } });
        return this.node;
      }
      case 'confirmEmailCode': {
        const owner = this.node.owner;
        this.#setNode({ account: { owner, state: 'bound', verifiedAt: Date.now() } });
        return this.node;
      }
      case 'checkSetup':
        this.emit(
          'setup',
          data.setupChecks().map((c) => ({ ...c, state: 'running' as const, detail: 'Checking…' })),
        );
        await new Promise((r) => setTimeout(r, 300));
        return data.setupChecks();
      case 'exportDiagnostics':
        return { path: `${this.settings.dataDir}/diagnostics.zip` };
      case 'openLogsFolder':
        return { path: `${this.settings.dataDir}/logs` };
      case 'searchLogs':
        // The scripted node keeps no log files.
        return { matches: [], truncated: false, files: [] };
      case 'backupKey':
        return {
          nodeId: this.node.nodeId ?? '0x0',
          path: `${this.settings.dataDir}/node-key-backup.json`,
          fileName: 'node-key-backup.json',
        };
      case 'importKey':
        return { outcome: 'cancelled', nodeId: null };
      default:
        throw new Error(`Unknown command ${String(command)}`);
    }
  }

  snapshot(): DashboardSnapshot {
    const now = Date.now();
    return {
      node: this.node,
      stats: this.stats,
      gpu: {
        available: true,
        reason: '',
        gpus: [
          {
            index: 0,
            name: 'NVIDIA GeForce RTX 4090',
            uuid: 'GPU-5b1e7c1a-93d0-4c8e-b1a2-0f4d2c7e9a11',
            memoryTotalMb: data.GPU_TOTAL_MB,
            driverVersion: '580.82.07',
          },
        ],
      },
      gpuHistory: data.gpuHistory(now),
      models: data.models(),
      progress: data.progress(),
      jobs: this.jobs,
      logs: this.logs.slice(-2000),
      setup: data.setupChecks(),
      settings: this.settings,
      host: this.host,
      appVersion: '0.1.0-test',
    };
  }

  close(): void {
    this.#stopLoops();
    for (const t of this.#timers) clearTimeout(t);
  }

  #later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
  }

  #setNode(patch: Partial<NodeStateDto>): void {
    this.node = { ...this.node, ...patch, since: Date.now() };
    this.emit('state', this.node);
  }

  #start(): NodeStateDto {
    const startedAt = Date.now();
    this.#setNode({
      state: 'registering',
      reason: 'Registering this node with the local devnet.',
      startedAt,
      runtime: { ...this.node.runtime, state: 'starting' },
    });
    this.#later(400, () =>
      this.#setNode({
        state: 'testing',
        reason: 'Running the test task on qwen2.5-7b-instruct to prove this node can serve.',
      }),
    );
    this.#later(900, () => {
      this.#setNode({
        state: 'active',
        reason: 'Serving jobs for the network.',
        runtime: { ...this.node.runtime, state: 'ready', detail: 'qwen2.5-7b-instruct loaded' },
      });
      this.#loops = [
        setInterval(() => this.#everySecond(), 1000),
        setInterval(() => this.#job(), 700),
        setInterval(() => this.pushLogs(3, 3), 250),
      ];
    });
    return this.node;
  }

  #stop(): NodeStateDto {
    this.#stopLoops();
    this.#setNode({ state: 'draining', reason: 'Finishing the jobs in flight before stopping.' });
    this.#later(500, () => {
      this.stats = { ...this.stats, inFlight: 0, tokensPerSecond: 0 };
      this.emit('stats', this.stats);
      this.#setNode({
        state: 'stopped',
        reason: 'Stopped by you. Press Start to serve jobs again.',
        startedAt: null,
        runtime: { ...this.node.runtime, state: 'stopped', detail: '' },
      });
    });
    return this.node;
  }

  #stopLoops(): void {
    for (const l of this.#loops) clearInterval(l);
    this.#loops = [];
  }

  #everySecond(): void {
    this.#tick++;
    this.emit('gpuSamples', [data.gpuSample(Date.now(), true, this.#tick)]);
    this.stats = {
      ...this.stats,
      tokensPerSecond: 380 + Math.round(Math.sin(this.#tick / 3) * 120),
      jobsPerMinute: 84,
    };
    this.emit('stats', this.stats);
  }

  #job(): void {
    const n = this.stats.jobsDone + this.stats.jobsFailed + 1;
    const failed = n % 11 === 0;
    const completionTokens = 180 + ((n * 37) % 400);
    const durationMs = 800 + ((n * 131) % 2400);
    const job: JobDto = {
      jobId: `job-${n.toString(16).padStart(8, '0')}-${(n * 2654435761).toString(16).slice(0, 8)}`,
      model: 'qwen2.5-7b-instruct',
      state: failed ? 'failed' : 'acked',
      promptTokens: 96 + (n % 50),
      completionTokens: failed ? 0 : completionTokens,
      durationMs,
      tokensPerSecond: failed ? null : (completionTokens * 1000) / durationMs,
      outcome: failed ? 'The runtime closed the stream early' : 'delivered',
      updatedAt: Date.now(),
      test: n === 1,
    };
    this.jobs = [job, ...this.jobs].slice(0, 200);
    this.stats = {
      ...this.stats,
      jobsDone: this.stats.jobsDone + (failed ? 0 : 1),
      jobsFailed: this.stats.jobsFailed + (failed ? 1 : 0),
      tokensServed: this.stats.tokensServed + job.completionTokens,
      inFlight: 1 + (n % 3),
    };
    this.emit('job', job);
  }
}
