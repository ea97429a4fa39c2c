// Data shapes that cross from the agent to any UI (Electron renderer or headless dashboard).
// Types only: this folder has no runtime imports, so the renderer can depend on it freely.
import type { PauseDto, PauseTriggersDto } from './pause.js';
import type { UpdatesDto } from './updates.js';

export type NodeStateName =
  | 'not_initialised'
  | 'initialised'
  | 'registering'
  | 'testing'
  | 'active'
  | 'degraded'
  | 'draining'
  | 'stopped';

export type NetworkName = 'local' | 'testnet' | 'mainnet';

/** What the operator picks: a named network, or `custom` (see `CustomNetworkDto`). */
export type NetworkChoice = NetworkName | 'custom';

/**
 * A network the operator names by address: a private subcloud, or a devnet that runs on another
 * machine. `protocolNetwork` is the network name its signed configurations carry.
 */
export interface CustomNetworkDto {
  ioUrl: string;
  /** Address of the key that signs its configurations (pinned, like the public networks'). */
  signer: string;
  protocolNetwork: NetworkName;
}

export type OwnerBinding = { kind: 'wallet'; address: string } | { kind: 'email'; email: string };

/** What the network's test task measured: decoding speed and time to first token. */
export interface BenchmarkDto {
  model: string;
  tokensPerSecond: number;
  ttftMs: number | null;
  measuredAt: number;
  /** `registration`: the test after this start's registration; `recheck`: a later one. */
  kind: 'registration' | 'recheck';
}

/**
 * Where the node's owner stands (docs/PROTOCOL.md, Account binding): `none` (no owner set),
 * `unproven` (saved before proofs were needed), `pending` (proof checked here, the network has
 * not answered), `code_sent` (an email code is awaited), `bound` (verified by the network) or
 * `refused` (`reason` says why).
 */
export type AccountStateName = 'none' | 'unproven' | 'pending' | 'code_sent' | 'bound' | 'refused';

export interface AccountDto {
  /** The owner set on this node (the one being bound when not `bound`). */
  owner: OwnerBinding | null;
  state: AccountStateName;
  reason?: string;
  /** When the network verified `owner` (network clock). */
  verifiedAt?: number;
  /** The verified owner the network last said it holds; absent until it answered. */
  networkOwner?: OwnerBinding | null;
}

export interface NodeStateDto {
  state: NodeStateName;
  /** The network cannot be reached: where, and when the node tries again ("Retry now" earlier). */
  offline?: { url: string; retryAt: number };
  /** Plain words: why the node is in this state and, when it needs the operator, what to do. */
  reason: string;
  since: number;
  nodeId: string | null;
  network: NetworkName;
  owner: OwnerBinding | null;
  /** The owner's binding with the network (absent from hosts that do not bind owners). */
  account?: AccountDto;
  startedAt: number | null;
  runtime: {
    kind: string;
    state: string;
    detail: string;
    simulated: boolean;
    /** The raw error behind a runtime failure (what the driver or Docker said), for "Details". */
    cause?: string;
  };
  config: { digest: string | null; serial: number | null; status: string; detail?: string };
  /** The test task's measurement on this machine (kept per network); absent until one ran. */
  benchmark?: BenchmarkDto | null;
  /** Key protection as reported by the vault in use; a warning when it is weak. */
  keyProtection: KeyProtectionDto;
  /** "Am I serving, and if not, why": the Overview's headline and reason list. */
  serving?: ServingDto;
  /** The operator's pause (manual, schedule, a game on the GPU…); absent on hosts without one. */
  pause?: PauseDto;
  /** Updates the network names: a newer agent version, the runtime image change. */
  updates?: UpdatesDto;
}

/** One reason the node gets jobs or not: its state, the cause (or fact) and the fix. */
export interface ServingReasonDto {
  id: string;
  label: string;
  state: 'ok' | 'wait' | 'bad' | 'info' | 'unknown';
  /** One sentence: the fact (ok) or the cause. */
  text: string;
  /** One sentence: what to do. */
  fix?: string;
  /** The raw detail, shown behind "Details". */
  detail?: string;
  /** When the condition ends (network clock); null: until lifted. */
  until?: number | null;
}

export type ServingPhase =
  | 'stopped'
  | 'starting'
  | 'runtime_starting'
  | 'testing'
  | 'serving'
  | 'not_serving'
  | 'paused'
  | 'stopping';

export interface ServingDto {
  serving: boolean;
  phase: ServingPhase;
  /** "Serving jobs" or "Not getting jobs because …". */
  headline: string;
  reasons: ServingReasonDto[];
}

export interface CountsDto {
  jobs: number;
  tokens: number;
  failures: number;
  accepted: number;
  uptimeMs: number;
}

/** Totals kept across restarts, per network. */
export interface TotalsDto {
  today: CountsDto;
  last7Days: CountsDto;
  lifetime: CountsDto;
  /** When the first total was recorded. */
  since: number;
}

/** A stretch of the last 24 h in one serving phase (gaps: the node's process was not running). */
export interface TimelineSegmentDto {
  from: number;
  to: number;
  phase: string;
  text: string;
}

export interface ThroughputPointDto {
  ts: number;
  value: number;
}

export interface KeyProtectionDto {
  kind: string;
  warning?: string;
  /** What protects the key on this machine, in one plain sentence derived from the vault. */
  summary: string;
  /** How to do better, when there is a better way on this host. */
  advice?: string;
}

/** `backupKey`'s answer. */
export interface KeyBackupResult {
  nodeId: string;
  /** Where the backup was written (0600); null when the operator cancelled the save dialog. */
  path: string | null;
  fileName: string;
  /**
   * Headless only: the backup file itself (encrypted under the operator's passphrase), for the
   * browser to download. The desktop writes it where the save dialog said instead.
   */
  content?: string;
}

/** `importKey`'s answer. */
export interface KeyImportResult {
  /** 'same': this key was already the node's; 'cancelled': no file was chosen. */
  outcome: 'imported' | 'replaced' | 'same' | 'cancelled';
  nodeId: string | null;
  /** The replaced key file, kept aside (0600), when a different key was replaced. */
  keptAside?: string;
  previousNodeId?: string;
}

export interface StatsDto {
  jobsDone: number;
  jobsFailed: number;
  inFlight: number;
  tokensServed: number;
  /** Generated tokens per second over the last minute. */
  tokensPerSecond: number;
  jobsPerMinute: number;
}

export interface GpuInfoDto {
  index: number;
  name: string;
  uuid: string;
  memoryTotalMb: number;
  driverVersion: string | null;
}

export interface GpuSampleDto {
  ts: number;
  index: number;
  utilizationPct: number | null;
  memoryUsedMb: number | null;
  memoryTotalMb: number | null;
  temperatureC: number | null;
  powerW: number | null;
}

export interface GpuStateDto {
  /** False on machines that cannot serve inference (no NVIDIA GPU, macOS); reason says why. */
  available: boolean;
  reason: string;
  gpus: GpuInfoDto[];
  /**
   * Whether `available` is a finding: 'checking' while the GPU probe runs, 'unknown' when this
   * host reads no GPU information at all. Absent means 'checked'.
   */
  probe?: 'checking' | 'checked' | 'unknown';
}

/**
 * From the node's model store: `verified` only after every file's SHA-256 matched the network's
 * configuration; `no_disk` when the files do not fit; `unchecked` when the node does not manage
 * the files (an external runtime serves the model).
 */
export type VerificationState =
  'not_installed' | 'downloading' | 'verifying' | 'verified' | 'mismatch' | 'no_disk' | 'unchecked';

export interface ModelDto {
  name: string;
  servedName: string;
  revision: string;
  approved: boolean;
  installed: boolean;
  active: boolean;
  verification: VerificationState;
  sizeBytes: number;
  /** Digest of the verified file list (`sha256:…`), present once verified. */
  digest?: string;
  detail?: string;
}

/** Disk taken by the node's models and the most they may take. */
export interface ModelDiskDto {
  usedBytes: number;
  budgetBytes: number;
  /** The operator's "Disk space for models" setting; false: the default (10 % of the disk left free). */
  operatorBudget: boolean;
}

export interface ProgressDto {
  id: string;
  kind: 'image_pull' | 'model_download';
  label: string;
  bytesDone: number;
  bytesTotal: number | null;
  /** Seconds left at the current rate, null while unknown. */
  etaSeconds: number | null;
  /** Current rate (model downloads), absent or null while unknown. */
  bytesPerSecond?: number | null;
  state: 'running' | 'done' | 'failed';
  error?: string;
}

export interface JobDto {
  jobId: string;
  model: string;
  state: 'received' | 'accepted' | 'rejected' | 'running' | 'completed' | 'failed' | 'acked';
  promptTokens: number;
  completionTokens: number;
  durationMs: number | null;
  tokensPerSecond: number | null;
  outcome: string;
  updatedAt: number;
  test: boolean;
}

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

export interface LogLineDto {
  seq: number;
  ts: number;
  level: LogLevelName;
  source: string;
  message: string;
}

export interface SetupCheckDto {
  id:
    | 'docker'
    | 'nvidia_driver'
    | 'container_toolkit'
    | 'gpu_in_container'
    | 'vram'
    | 'disk'
    | 'network'
    | string;
  label: string;
  state: 'pass' | 'warn' | 'fail' | 'running' | 'unknown';
  detail: string;
  /** The fix in plain words, when not passing. */
  fix?: string;
}

export interface SettingsDto {
  /** `local` is the embedded devnet (the desktop calls it Demo); `custom` uses `customNetwork`. */
  network: NetworkChoice;
  customNetwork: CustomNetworkDto | null;
  dataDir: string;
  launchAtLogin: boolean;
  keepAwake: boolean;
  autoUpdate: boolean;
  /** Upper bound on concurrent jobs (null = the network's max_queue_size). */
  maxConcurrentJobs: number | null;
  /** VRAM kept free for the desktop, in MiB. */
  gpuMemoryHeadroomMb: number;
  /** Most disk the node's models may take, in GB (null = what leaves 10 % of the disk free). */
  modelDiskBudgetGb: number | null;
  theme: 'system' | 'light' | 'dark';
  /** The automatic pause triggers and their values (Settings → When to pause). */
  pauseWhen: PauseTriggersDto;
}

/** Everything a UI needs at start; afterwards it applies pushed events. */
export interface DashboardSnapshot {
  node: NodeStateDto;
  stats: StatsDto;
  gpu: GpuStateDto;
  gpuHistory: GpuSampleDto[];
  models: ModelDto[];
  /** Absent from older nodes; null when no model store runs. */
  modelDisk?: ModelDiskDto | null;
  progress: ProgressDto[];
  jobs: JobDto[];
  logs: LogLineDto[];
  setup: SetupCheckDto[];
  settings: SettingsDto;
  /** Persisted totals (absent on a host that keeps none). */
  totals?: TotalsDto;
  /** The last 24 h of serving phases. */
  timeline?: TimelineSegmentDto[];
  /** Recent throughput points (tokens/s), kept by main so a reload keeps the chart. */
  throughput?: ThroughputPointDto[];
  /** Where the UI is served from: 'desktop' (Electron) or 'headless' (browser). */
  host: 'desktop' | 'headless';
  appVersion: string;
}
