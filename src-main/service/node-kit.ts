import { HEADLESS_AGENT_UPDATE, UpdatesView, type AgentUpdateHost } from './updates-view.js';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SettingsDto, SetupCheckDto } from '../contract/index.js';
import { composeNode, type ComposedNode } from '../core/agent/compose-node.js';
import { BenchmarkRecorder, benchmarkFile } from '../core/agent/benchmark.js';
import { readRuntimeMetrics } from '../core/agent/heartbeat-body.js';
import type { Clock } from '../core/clock.js';
import type { NetworkProfile } from '../core/config/network-profiles.js';
import {
  OwnerBinder,
  encryptKeyBackup,
  identityPaths,
  importKeyBackup,
  loadOrCreateIdentity,
  readStoredNodeId,
  saveOwnerRecord,
} from '../core/identity/index.js';
import type { SecretVault } from '../core/identity/vaults/secret-vault.js';
import { createLogger, type LogLevel, type LogSink, type Logger } from '../core/logger.js';
import type { LogBatchBody } from '../core/protocol/schemas/http.js';
import { nodeDiscoveryHost } from '../core/runtime/docker/discovery-host.js';
import { nodeLocateHost, nodeRun, nodeSpawn } from '../core/runtime/gpu/node-host.js';
import type { Runtime } from '../core/runtime/runtime.js';
import { driverMajor } from '../core/runtime/gpu/nvidia-smi-query.js';
import { ensureDataDirs, resolveDataDirs, type DataDirs } from '../core/store/data-dirs.js';
import { lockDataFolder, type DataFolderLock } from '../core/store/data-folder-lock.js';
import { LocalLogFile } from '../core/store/local-log-file.js';
import { LogStore } from '../core/store/log-store.js';
import { samplerFromReadings } from '../core/system/gpu-status.js';
import { HeapRelease } from '../core/system/heap-release.js';
import type { HostActions, ImportKeyRequest } from './agent-facade.js';
import { describeKeyProtection } from './key-protection.js';
import { AgentHost, type NodeRun } from './agent-host.js';
import { GpuSource } from './gpu-source.js';
import { benchmarkDto } from './benchmark-dto.js';
import { LogHub } from './log-hub.js';
import { nodeHardware } from './node-hardware.js';
import { operatorLimitsOf, sameLimits } from './operator-limits.js';
import { startNodeOpsOnDemand } from './ops/node-ops-on-demand.js';
import type { OpsConfig, OpsServer } from './ops/ops-server.js';
import { networkTarget, type NetworkTarget } from './network-target.js';
import { createRuntime, type RuntimeChoice, type RuntimeContext } from './runtime-choice.js';
import {
  JsonFileSettingsStore,
  PinnedSettingsStore,
  defaultSettings,
  type SettingsStore,
} from './settings-store.js';
import { PauseHost } from './pause-host.js';
import { machineGpuTriggers } from './gpu-triggers.js';
import { DisposableStore } from '../core/base/lifecycle.js';
import {
  PauseTriggerSet,
  processTriggers,
  type TriggerBinding,
  type TriggerContext,
} from './pause-triggers.js';
import { setupChecks } from './setup-source.js';
import { StatusRecorder } from '../core/status/status-recorder.js';
import { UiService, type UiServiceOptions } from './ui-service.js';

/** The network to join and the runtime to serve it with, decided by the host at each Start. */
export interface NodeChoice {
  profile: NetworkProfile;
  runtime: RuntimeChoice;
}

export interface NodeKitOptions {
  host: HostActions['kind'];
  /** The data folder when the settings name none (the desktop default, or `--data-dir`). */
  dataRoot: string;
  settingsFile: string;
  /** Settings the host decides, which a UI cannot change (headless: network, data folder). */
  pinned?: Partial<SettingsDto>;
  /** Keeps the node key's secret (desktop: OS keychain; headless: env or passphrase file). */
  vault: (paths: ReturnType<typeof identityPaths>) => SecretVault;
  /**
   * Network profile and runtime for a Start (`target`: the network this kit was composed for).
   * Throwing refuses the Start with that message.
   */
  choose: (
    dirs: DataDirs,
    logger: Logger,
    target: NetworkTarget,
  ) => NodeChoice | Promise<NodeChoice>;
  mapProgress?: RuntimeContext['mapProgress'];
  /** Where log lines go besides the log files and the dashboard (console, CLI reporter). */
  logSinks: LogSink[];
  logSource?: string;
  minLevel?: LogLevel;
  clock: Clock;
  agentVersion: string;
  /** The operator's environment, read by the runtime (extra image repositories). */
  env: Readonly<Record<string, string | undefined>>;
  /** Headless `--import-key`: a backup imported before the node starts (under the lock). */
  importAtStart?: ImportKeyRequest;
  /** Set: the process serves one run, a later Start is refused with this text (headless). */
  singleRun?: string;
  /** Sees each composed node before it starts (the headless CLI reports its events). */
  onRun?: (node: ComposedNode, choice: NodeChoice) => void;
  /** Tests: a GPU source that reads no real nvidia-smi, a fixed setup doctor. */
  gpu?: GpuSource;
  setupChecks?: () => Promise<SetupCheckDto[]>;
  /** The health and metrics server (headless: on by default; desktop: only with RESULTITY_OPS_PORT). */
  ops?: OpsConfig;
  /** Pause triggers only this host has (desktop: keyboard/mouse activity, full screen). */
  hostTriggers?: (ctx: TriggerContext) => TriggerBinding[];
  /** How this host gets a newer agent version (desktop: its updater); default: by hand. */
  agentUpdate?: AgentUpdateHost;
}

/** What a host gets: the node behind the UI facade, and the process-wide parts it may show. */
export interface NodeKit {
  readonly dirs: DataDirs;
  /** The network this kit serves (from the settings it was composed with). */
  readonly target: NetworkTarget;
  /** As loaded at start; the UI service holds the live ones. */
  readonly settings: SettingsDto;
  readonly settingsStore: SettingsStore;
  readonly logger: Logger;
  readonly logs: LogHub;
  readonly gpu: GpuSource;
  readonly vault: SecretVault;
  readonly agent: AgentHost;
  /** The operator pause (manual, triggers), kept across runs. */
  readonly pauses: PauseHost;
  /** Key backups and diagnostics bundles: `<data>/<network>/exports`, private (0700). */
  readonly exportDir: string;
  /** The health and metrics server, when asked for and started. */
  readonly ops: OpsServer | null;
  /** The UI service over this node; call once, after the host is ready to serve commands. */
  createService(o: ServiceHostOptions): Promise<UiService>;
  /** Stops the GPU sampler and closes the log files (after the agent stopped). */
  close(): Promise<void>;
}

export type ServiceHostOptions = Pick<
  HostActions,
  | 'appVersion'
  | 'openFolder'
  | 'chooseBackupPath'
  | 'chooseBackupFile'
  | 'confirmReplaceKey'
  | 'endProcess'
> &
  Pick<UiServiceOptions, 'drainTimeoutMs' | 'fixedSettings'>;

/**
 * The one composition root of both hosts (desktop app and headless CLI): settings, data folders,
 * log files and hub, GPU source, identity and vault, the AgentHost with its per-Start runs
 * (runtime + composeNode), key backup and the UI service. Hosts pass only what differs.
 */
export async function composeNodeKit(o: NodeKitOptions): Promise<NodeKit> {
  const file = new JsonFileSettingsStore(o.settingsFile, defaultSettings(o.dataRoot, o.host));
  const settingsStore = o.pinned ? new PinnedSettingsStore(file, o.pinned) : file;
  const settings = await settingsStore.load();
  const target = networkTarget(settings);
  const dirs = resolveDataDirs(settings.dataDir, target.network, target.folder);
  await ensureDataDirs(dirs);
  // One process per data folder, before anything in it is opened: two nodes on one key steal
  // each other's network session (DataFolderLockedError names the other PID).
  const lock = await lockDataFolder(dirs.base);
  try {
    return await composeLocked(o, { settingsStore, settings, target, dirs, lock });
  } catch (err) {
    await lock.release().catch(() => undefined);
    throw err;
  }
}

async function composeLocked(
  o: NodeKitOptions,
  held: {
    settingsStore: SettingsStore;
    settings: SettingsDto;
    target: NetworkTarget;
    dirs: DataDirs;
    lock: DataFolderLock;
  },
): Promise<NodeKit> {
  const { clock } = o;
  const { settingsStore, settings, target, dirs, lock } = held;
  let settingsNow = settings;
  const exportDir = join(dirs.base, 'exports');
  await ensurePrivateDir(exportDir);

  // Local log files, uploaded through the running agent's signed client once it is online.
  let upload: ((batch: LogBatchBody) => Promise<void>) | null = null;
  const logStore = new LogStore({
    dir: dirs.logs,
    clock,
    upload: (batch) => (upload ? upload(batch) : Promise.reject(new Error('not online yet'))),
    // Not through the logger: it writes to these very files.
    onWarning: (message) => {
      for (const sink of o.logSinks)
        sink({ ts: clock.now(), level: 'warn', source: 'logs', message });
    },
  });
  await logStore.start();
  // The readable node.log beside the upload queue: kept (rotated) after the upload.
  const localLog = new LocalLogFile({ dir: dirs.logs });
  const logs = new LogHub();
  const logger = createLogger([...o.logSinks, logStore.sink, localLog.sink, logs.sink], {
    ...(o.logSource ? { source: o.logSource } : {}),
    ...(o.minLevel ? { minLevel: o.minLevel } : {}),
    now: () => clock.now(),
  });
  const gpu =
    o.gpu ??
    new GpuSource({ host: nodeLocateHost(), run: nodeRun, spawn: nodeSpawn, clock, logger });
  const vault = o.vault(identityPaths(dirs));
  // Under the data-folder lock: no other node can be using the key being replaced.
  const importKey = (r: ImportKeyRequest) =>
    importKeyBackup({ dirs, vault, ...r, now: () => clock.now() });
  if (o.importAtStart) {
    const r = await importKey(o.importAtStart);
    logger.info(
      r.outcome === 'same'
        ? `The imported key is already this node's key (node ID ${r.nodeId}); nothing was changed.`
        : `Imported node key ${r.nodeId} from ${o.importAtStart.file}.` +
            (r.keptAside
              ? ` The previous key (${r.previousNodeId ?? 'unknown node ID'}) was kept as ${r.keptAside}.`
              : ''),
    );
  }

  const owner = new OwnerBinder({
    dirs,
    network: dirs.network,
    clock,
    nodeId: () => agent.state().nodeId,
    save: async (record) => {
      // The folders may be gone (a fresh or cleaned data folder): never lose the binding.
      await ensureDataDirs(dirs);
      await saveOwnerRecord(dirs, record);
    },
  });

  const heap = new HeapRelease({ clock, logger });
  let current: ComposedNode | null = null;
  let currentRuntime: Pick<Runtime, 'status' | 'metrics'> | null = null;
  let runs = 0;
  const createRun = async (): Promise<NodeRun> => {
    if (o.singleRun && runs > 0) throw new Error(o.singleRun);
    const choice = await o.choose(dirs, logger, target);
    gpuTriggers.runtimeIsExternal(choice.runtime.kind === 'external' && !choice.runtime.simulated);
    await ensureDataDirs(dirs);
    // The runtime comes before the node it serves: the approved models are read from the node
    // once it exists (they arrive with its first verified snapshot).
    let composed: ComposedNode | null = null;
    const runtime = await createRuntime(choice.runtime, {
      dirs,
      clock,
      logger,
      gpu,
      env: o.env,
      onProgress: (p) => agent.reportProgress(p),
      ...(o.mapProgress ? { mapProgress: o.mapProgress } : {}),
      models: {
        networkUrl: choice.profile.ioUrl,
        approved: () => composed?.agent.config.snapshot()?.snapshot.models ?? [],
        diskBudgetGb: settingsNow.modelDiskBudgetGb,
      },
    });
    try {
      const { identity, created, protection } = await loadOrCreateIdentity({ dirs, vault });
      logger.info(
        `${created ? 'Created' : 'Loaded'} node key ${identity.nodeId}, protected by ${protection.source}.`,
      );
      if (protection.warning) logger.warn(protection.warning);
      const node = composeNode({
        profile: choice.profile,
        dirs,
        identity,
        runtime,
        logger,
        clock,
        agentVersion: o.agentVersion,
        logStore,
        gpuSampler: samplerFromReadings(gpu),
        hardware: nodeHardware(gpu, runtime),
        driverMajor: () => driverMajor(gpu.state().gpus[0]?.driverVersion),
        // Read live: a change takes effect in the running node (see onSettings).
        operator: () => operatorLimitsOf(settingsNow),
        benchmark,
        account: owner,
        gpuLimits: gpuTriggers.limits,
      });
      // Start-up's garbage (key derivation, a long journal replayed) is behind us: released
      // before the node joins, if it grew the resident set much.
      heap.startedUp();
      composed = node;
      runs += 1;
      current = node;
      currentRuntime = runtime;
      upload = (batch) => node.agent.uploadLogBatch(batch);
      o.onRun?.(node, choice);
      return {
        agent: node.agent,
        runtime,
        retryGate: node.retryGate,
        sendOwnerClaim: node.sendOwnerClaim,
        close: async (reason, drainTimeoutMs) => {
          await node.agent.stop(reason, drainTimeoutMs);
          await node.close(reason);
          await runtime.stop();
        },
      };
    } catch (err) {
      await runtime.stop().catch(() => undefined);
      throw err;
    }
  };

  // The test task's measurement, kept per network: shown and reported after a restart too.
  const benchmark = new BenchmarkRecorder(benchmarkFile(dirs), clock, logger.child('benchmark'));
  await benchmark.load();
  // One pause for the process: a manual pause or a trigger outlives a Stop and Start.
  const pauses = new PauseHost(clock, logger);
  // Other programs on the GPU, its temperature and power: they pause the node across runs.
  const triggerStore = new DisposableStore();
  const gpuTriggers = machineGpuTriggers({ clock, logger, pauses, gpu }, triggerStore);
  gpuTriggers.apply(settings.pauseWhen);
  gpuTriggers.limits.onReducing(() => current?.agent.announcer.reannounce(), triggerStore);
  // Settings → When to pause: started last (below), reconfigured on every settings change.
  const triggers = new PauseTriggerSet();
  const agent: AgentHost = new AgentHost({
    pauses,
    network: dirs.network,
    clock,
    logger,
    logs,
    keyProtection: () => describeKeyProtection(vault.describe(), o.host),
    benchmark: () => benchmarkDto(benchmark.current()),
    updates: new UpdatesView(o.agentVersion, o.agentUpdate ?? HEADLESS_AGENT_UPDATE),
    gpu,
    storedNodeId: () => readStoredNodeId(dirs),
    owner,
    backupKey: (passphrase) => encryptKeyBackup(dirs, vault, passphrase),
    importKey,
    setupChecks:
      o.setupChecks ??
      setupChecks({
        host: nodeDiscoveryHost(),
        probeGpu: () => gpu.probeAgain(),
        snapshot: () => current?.agent.config.snapshot()?.snapshot ?? null,
        dataDir: () => dirs.base,
        headroomMb: () => settingsNow.gpuMemoryHeadroomMb,
      }),
    onSettings: (next) => {
      const prev = settingsNow;
      settingsNow = next;
      gpuTriggers.apply(next.pauseWhen);
      triggers.apply(next.pauseWhen);
      if (current && !sameLimits(prev, next)) {
        logger.info(
          `Limits changed: at most ${next.maxConcurrentJobs ?? "the network's number of"} jobs at once, ${next.gpuMemoryHeadroomMb} MiB of VRAM kept free.`,
        );
        current
          .limitsChanged()
          .catch((err: unknown) =>
            logger.warn(`The runtime could not take the new limits: ${(err as Error).message}`),
          );
      }
    },
    createRun,
  });
  await agent.init();
  const history = await StatusRecorder.open({ dir: join(dirs.base, 'history'), clock, logger });
  // What a failed start-up and close() both release.
  const releaseParts = async () => {
    heap.dispose();
    gpuTriggers.dispose();
    gpu.stop();
    await history.dispose();
    await logStore.close();
    await localLog.close();
  };
  benchmark.onChange(() => agent.benchmarkChanged());
  let ops: Awaited<ReturnType<typeof startNodeOpsOnDemand>> = null;
  try {
    ops = await startNodeOpsOnDemand(o.ops, {
      clock,
      logger,
      agent,
      gpu,
      heartbeatAt: () => current?.agent.heartbeatAt() ?? null,
      runtimeMetrics: async () =>
        currentRuntime && currentRuntime.status().state !== 'stopped'
          ? readRuntimeMetrics(currentRuntime, clock)
          : null,
    });
  } catch (err) {
    await releaseParts();
    throw err;
  }

  triggers.add(...processTriggers(pauses, { clock, logger, host: o.hostTriggers }));
  triggers.apply(settingsNow.pauseWhen);

  return {
    dirs,
    target,
    settings,
    settingsStore,
    logger,
    logs,
    gpu,
    vault,
    agent,
    pauses,
    exportDir,
    ops: ops?.server ?? null,
    createService: (h) =>
      UiService.create({
        agent,
        host: {
          kind: o.host,
          appVersion: h.appVersion,
          exportDir,
          logsDir: dirs.logs,
          openFolder: h.openFolder,
          ...(h.chooseBackupPath ? { chooseBackupPath: h.chooseBackupPath } : {}),
          ...(h.chooseBackupFile ? { chooseBackupFile: h.chooseBackupFile } : {}),
          ...(h.confirmReplaceKey ? { confirmReplaceKey: h.confirmReplaceKey } : {}),
          ...(h.endProcess ? { endProcess: h.endProcess } : {}),
        },
        settingsStore,
        clock,
        logger,
        history,
        ...(h.drainTimeoutMs !== undefined ? { drainTimeoutMs: h.drainTimeoutMs } : {}),
        ...(h.fixedSettings ? { fixedSettings: h.fixedSettings } : {}),
      }),
    close: async () => {
      await ops?.close();
      triggerStore.dispose();
      triggers.dispose();
      pauses.dispose();
      await releaseParts();
      await lock.release();
    },
  };
}

async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}
