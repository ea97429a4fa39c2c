import type {
  CommandArg,
  CommandName,
  CommandResult,
  DashboardSnapshot,
  EventName,
  Events,
  NodeBridge,
} from '../../../src-main/contract/index.js';
import type {
  ConnectionSource,
  ConnectionStatus,
} from '../../../src-renderer/src/bridge/connection-status.js';

type Handler = (arg: unknown) => unknown;

/** A scripted NodeBridge: commands answered by handlers, events pushed by the test. */
export class FakeBridge implements NodeBridge, ConnectionSource {
  readonly calls: { command: CommandName; arg: unknown }[] = [];
  readonly handlers = new Map<CommandName, Handler>();
  readonly #listeners = new Map<EventName, Set<(p: never) => void>>();
  readonly #statusListeners = new Set<(s: ConnectionStatus) => void>();
  status: ConnectionStatus = { kind: 'connected' };

  handle<C extends CommandName>(command: C, fn: (arg: CommandArg<C>) => CommandResult<C>): this {
    this.handlers.set(command, fn as Handler);
    return this;
  }

  async invoke<C extends CommandName>(command: C, arg: CommandArg<C>): Promise<CommandResult<C>> {
    this.calls.push({ command, arg });
    const h = this.handlers.get(command);
    if (!h) throw new Error(`no handler for ${command}`);
    return h(arg) as CommandResult<C>;
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as (p: never) => void);
    return () => set.delete(listener as (p: never) => void);
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of this.#listeners.get(event) ?? []) (l as (p: Events[E]) => void)(payload);
  }

  listenerCount(): number {
    let n = 0;
    for (const s of this.#listeners.values()) n += s.size;
    return n;
  }

  onStatus(listener: (s: ConnectionStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  setStatus(status: ConnectionStatus): void {
    this.status = status;
    for (const l of this.#statusListeners) l(status);
  }
}

export function snapshot(overrides: Partial<DashboardSnapshot> = {}): DashboardSnapshot {
  return {
    node: {
      state: 'stopped',
      reason: 'Stopped.',
      since: 1,
      nodeId: '0xabc',
      network: 'local',
      owner: null,
      startedAt: null,
      runtime: { kind: 'sim', state: 'stopped', detail: '', simulated: true },
      config: { digest: null, serial: null, status: 'none' },
      keyProtection: {
        kind: 'os-keychain',
        summary: 'The operating system keychain protects the key.',
      },
    },
    stats: {
      jobsDone: 0,
      jobsFailed: 0,
      inFlight: 0,
      tokensServed: 0,
      tokensPerSecond: 0,
      jobsPerMinute: 0,
    },
    gpu: { available: true, reason: '', gpus: [] },
    gpuHistory: [],
    models: [],
    progress: [],
    jobs: [],
    logs: [],
    setup: [],
    settings: {
      network: 'local',
      customNetwork: null,
      dataDir: '/data',
      launchAtLogin: false,
      keepAwake: false,
      autoUpdate: true,
      maxConcurrentJobs: null,
      gpuMemoryHeadroomMb: 1024,
      modelDiskBudgetGb: null,
      theme: 'system',
      pauseWhen: {
        otherGpuWork: false,
        fullscreen: false,
        userActive: { enabled: false, idleMinutes: 5 },
        schedule: { enabled: false, windows: [] },
        thermal: { enabled: false, maxTempC: 83 },
        power: { enabled: false, capW: null },
      },
    },
    host: 'headless',
    appVersion: '9.9.9',
    ...overrides,
  };
}

export function line(
  seq: number,
  level: 'debug' | 'info' | 'warn' | 'error' = 'info',
  ts = 1000 + seq,
) {
  return { seq, ts, level, source: 'agent', message: `message ${seq}` };
}
