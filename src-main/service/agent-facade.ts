import type {
  GpuSampleDto,
  GpuStateDto,
  ModelDiskDto,
  ModelDto,
  NodeStateDto,
  ProgressDto,
  SettingsDto,
  SetupCheckDto,
} from '../contract/index.js';
import type { Event } from '../core/base/event.js';
import type { JobEvent } from '../core/jobs/job-engine-api.js';
import type { LogEntry } from '../core/logger.js';

/**
 * What the UI service needs from the agent. The real `Agent` is adapted to this in
 * `agent-host.ts`; tests pass a fake. State, GPU and setup already arrive as contract DTOs so
 * the service does not reach into the agent's internals.
 */
export interface AgentFacade {
  /** The node's state now, with the reason in plain words. */
  state(): NodeStateDto;
  readonly onState: Event<NodeStateDto>;
  /** Resolves once the start was accepted (registering runs on); rejects with a plain reason. */
  start(): Promise<void>;
  /** Stops taking jobs, lets in-flight jobs finish (at most `drainTimeoutMs`), then stops. */
  stop(drainTimeoutMs: number): Promise<void>;
  /** Tries to reach the network now instead of at the next retry; false if it was not waiting. */
  retryNow?(): boolean;
  /** The operator's pause for `minutes` (null: until resumed); absent: cannot pause. */
  pause?(minutes: number | null): Promise<void>;
  /** Withdraws the operator's manual pause. */
  resume?(): Promise<void>;
  /** True while the operator's own "Pause" holds the node. */
  pausedByHand?(): boolean;

  readonly onJobEvent: Event<JobEvent>;
  counters(): { in_flight: number; completed_total: number; failed_total: number };
  readonly onLog: Event<LogEntry>;

  gpu(): GpuStateDto;
  readonly onGpu: Event<GpuStateDto>;
  /** Samples at the sampler's own rate (one array per tick, one entry per GPU). */
  readonly onGpuSamples: Event<GpuSampleDto[]>;

  models(): ModelDto[];
  readonly onModels: Event<ModelDto[]>;
  /** Disk taken by the node's models and their budget; absent where no model store runs. */
  modelDisk?(): ModelDiskDto | null;
  readonly onModelDisk?: Event<ModelDiskDto | null>;
  readonly onProgress: Event<ProgressDto>;

  /** Runs the setup checks (Docker, driver, toolkit, GPU in container, VRAM, disk, network). */
  checkSetup(): Promise<SetupCheckDto[]>;
  /** Owner binding with proof (core/identity/owner-binder.ts); failures are plain sentences. */
  walletBindingMessage(address: string): string;
  bindWallet(message: string, signature: string): Promise<void>;
  requestEmailCode(email: string): Promise<void>;
  confirmEmailCode(code: string): Promise<void>;
  /** The node key re-encrypted under `passphrase` (a v3 key file's text); never the plain key. */
  backupKey(passphrase: string): Promise<{ nodeId: string; content: string }>;
  /** Imports a backup file into this network's folder; refused while the node runs. */
  importKey(request: ImportKeyRequest): Promise<ImportKeyOutcome>;
  /** Settings the agent acts on while running (concurrency, VRAM headroom, network on restart). */
  applySettings(settings: SettingsDto): Promise<void> | void;
  /** Whether going from `prev` to `next` restarts the running runtime (its command line changes). */
  restartsRuntime?(prev: SettingsDto, next: SettingsDto): boolean;
}

export interface ImportKeyRequest {
  file: string;
  passphrase: string;
  /** Asked only when the folder holds a different key. */
  confirmReplace: (existingNodeId: string | undefined, importedNodeId: string) => Promise<boolean>;
  /** Said when the replacement is not confirmed (what to do instead). */
  refusalHint: string;
}

export interface ImportKeyOutcome {
  nodeId: string;
  outcome: 'imported' | 'replaced' | 'same';
  keptAside?: string;
  previousNodeId?: string;
}

/** Things only the host (Electron shell or headless CLI) can do. */
export interface HostActions {
  readonly kind: 'desktop' | 'headless';
  readonly appVersion: string;
  /** Where diagnostics bundles and key backups are written. */
  readonly exportDir: string;
  readonly logsDir: string;
  /** Shows a folder to the user (desktop: the file manager); headless just reports the path. */
  openFolder(path: string): Promise<void>;
  /** Desktop: a save dialog for a key backup; the chosen path, or null when cancelled. */
  chooseBackupPath?(defaultPath: string): Promise<string | null>;
  /** Desktop: an open dialog for a key backup file; null when cancelled. */
  chooseBackupFile?(): Promise<string | null>;
  /** Desktop: asks before a different node key in the data folder is replaced. */
  confirmReplaceKey?(existingNodeId: string | undefined, importedNodeId: string): Promise<boolean>;
  /** Side effects of host-level settings (launch at login, keep awake). */
  onSettingsChanged?(settings: SettingsDto): void;
  /** Headless: drains and ends the process (the dashboard's confirmed "End process"). */
  endProcess?(): void;
}
