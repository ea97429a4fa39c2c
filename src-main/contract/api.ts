import type {
  DashboardSnapshot,
  GpuSampleDto,
  GpuStateDto,
  JobDto,
  KeyBackupResult,
  KeyImportResult,
  LogLineDto,
  ModelDiskDto,
  ModelDto,
  NodeStateDto,
  ProgressDto,
  SettingsDto,
  SetupCheckDto,
  StatsDto,
  TimelineSegmentDto,
  TotalsDto,
} from './dto.js';
import type { LogSearchRequest, LogSearchResultDto } from './log-search.js';

/** Commands a UI may send: name → (argument) => result. One map, both transports. */
export interface Commands {
  getSnapshot: (arg: void) => DashboardSnapshot;
  start: (arg: void) => NodeStateDto;
  /** Desktop: drains and stops the node. Headless: drains and pauses it (the process stays). */
  stop: (arg: void) => NodeStateDto;
  /** Pauses the node for `minutes` (null: until resumed): jobs finish, the runtime stops. */
  pause: (arg: { minutes: number | null }) => NodeStateDto;
  /** Withdraws the manual pause (other causes, like a game on the GPU, may still hold it). */
  resume: (arg: void) => NodeStateDto;
  /** Headless: drains and ends the node's process (a separate, confirmed action). */
  endProcess: (arg: { confirm: true }) => { ending: boolean };
  /**
   * `confirmRestart`: the operator agreed that new limits restart the runtime under running
   * jobs (without it such a change is refused with code `confirm_restart`).
   */
  updateSettings: (arg: Partial<SettingsDto> & { confirmRestart?: boolean }) => SettingsDto;
  /** The binding message the operator's wallet signs (EIP-191 personal_sign). */
  walletBindingMessage: (arg: { address: string }) => { message: string };
  /** Checks the signature on this machine, then sends the proof (now, or at the next start). */
  bindWallet: (arg: { message: string; signature: string }) => NodeStateDto;
  /** Asks the network to mail a code to the address (the node must be running). */
  requestEmailCode: (arg: { email: string }) => NodeStateDto;
  confirmEmailCode: (arg: { code: string }) => NodeStateDto;
  checkSetup: (arg: void) => SetupCheckDto[];
  exportDiagnostics: (arg: void) => { path: string };
  openLogsFolder: (arg: void) => { path: string };
  /** Searches node.log and its rotated files (bounded; newest first) for lines no longer in memory. */
  searchLogs: (arg: LogSearchRequest) => LogSearchResultDto;
  /** Tries to reach the network now instead of at the next retry; retried: false if it was not waiting. */
  retryNow: (arg: void) => { retried: boolean };
  /** Re-encrypts the node key under the operator's passphrase (a standard v3 key file). */
  backupKey: (arg: { passphrase: string }) => KeyBackupResult;
  /** Desktop: picks a backup file in the main process and imports it (the key stays there). */
  importKey: (arg: { passphrase: string }) => KeyImportResult;
}
export type CommandName = keyof Commands;
export type CommandArg<C extends CommandName> = Parameters<Commands[C]>[0];
export type CommandResult<C extends CommandName> = ReturnType<Commands[C]>;

/** Events main pushes to UIs: name → payload. The renderer never polls. */
export interface Events {
  state: NodeStateDto;
  stats: StatsDto;
  gpu: GpuStateDto;
  gpuSamples: GpuSampleDto[];
  models: ModelDto[];
  /** Disk taken by the node's models and their budget (null: no model store runs). */
  modelDisk: ModelDiskDto | null;
  progress: ProgressDto;
  job: JobDto;
  /** Log lines arrive batched (at most a few pushes per second). */
  logs: LogLineDto[];
  setup: SetupCheckDto[];
  settings: SettingsDto;
  totals: TotalsDto;
  timeline: TimelineSegmentDto[];
}
export type EventName = keyof Events;

/** Errors cross the boundary as values and are rebuilt as real Errors on the UI side. */
export interface WireErrorValue {
  name: string;
  message: string;
  code?: string;
}
export type CommandReply<T> = { result: T } | { error: WireErrorValue };

/** What the renderer talks to: the Electron preload bridge or the headless WebSocket bridge. */
export interface NodeBridge {
  invoke<C extends CommandName>(command: C, arg: CommandArg<C>): Promise<CommandResult<C>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/**
 * What the Electron preload exposes on `window[BRIDGE_GLOBAL]`: a `NodeBridge`, plus
 * `invokeReply`, which returns the reply as a value. Electron's contextBridge rebuilds a
 * rejected Error from its message only (name and code are lost on the way), so a renderer that
 * needs `name`/`code` wraps the global with `bridgeFromPreload` (contract/errors.ts).
 */
export interface PreloadBridge extends NodeBridge {
  invokeReply<C extends CommandName>(
    command: C,
    arg: CommandArg<C>,
  ): Promise<CommandReply<CommandResult<C>>>;
}

/** Name under which the preload exposes the bridge on `window`. */
export const BRIDGE_GLOBAL = 'resultity' as const;
