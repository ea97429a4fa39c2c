import os from 'node:os';
import { join, resolve } from 'node:path';
import {
  PUBLIC_PROFILES,
  chooseKeyVault,
  defaultDataRoot,
  localProfile,
  resolveDataDirs,
  systemClock,
  type AgentState,
  type Clock,
  type ComposedNode,
  type Logger,
  type TimerHandle,
} from '../service/host-api.js';
import { composeNodeKit, type NodeChoice, type NodeKit } from '../service/node-kit.js';
import type { UiService } from '../service/ui-service.js';
import {
  startHeadlessDashboard,
  type HeadlessDashboard,
} from './dashboard/start-headless-dashboard.js';
import {
  DEFAULT_DASHBOARD_PORT,
  readSavedAccess,
  writeDashboardLink,
} from './dashboard/link-file.js';
import { assertUsableDataFolder } from './data-folder-check.js';
import { startLocalNetwork, type LocalNetwork } from '../service/local-network.js';
import { importKeyRequest, type ImportKeyIo } from './import-key.js';
import { opsConfigFrom } from './ops-config.js';
import { UsageError, type HeadlessConfig } from './options.js';
import type { Reporter } from './reporter.js';
import { assertRealRuntime } from './runtime-guard.js';
import { AGENT_VERSION } from './version.js';

export interface HeadlessNode {
  node: ComposedNode;
  kit: NodeKit;
  service: UiService;
  /** Drains and shuts everything down (idempotent). */
  stop(reason: string): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Starts a headless node per `cfg` through the node kit: identity, network, runtime, agent. */
export async function runHeadless(
  cfg: HeadlessConfig,
  env: Env,
  reporter: Reporter,
  clock: Clock = systemClock,
  io: Pick<ImportKeyIo, 'promptSecret'> = {},
): Promise<HeadlessNode> {
  // Refuse an unusable runtime before anything is written (no key for a node that cannot run).
  if (cfg.profile !== 'local') await checkPublicRuntime(cfg);
  const ops = await opsConfigFrom(cfg, env);
  const root = cfg.dataDir ?? defaultDataRoot(process.platform, env, os.homedir());
  await assertUsableDataFolder(root, [cfg.profile]);
  // A systemd credential, RESULTITY_KEY_PASSPHRASE_FILE, the variable, or the data folder's
  // own file. Only the vault keeps the passphrase: child processes (nvidia-smi, …) must not
  // inherit the variable.
  const keyVault = await chooseKeyVault(env, (name) => delete process.env[name]);
  // --import-key: imported by the node kit under the data-folder lock, before the first Start.
  const importAtStart = await importKeyRequest(cfg, env, {
    ...io,
    scrub: (name) => delete process.env[name],
  });

  let choice: NodeChoice | null = null;
  let node: ComposedNode | null = null;
  let local: LocalNetwork | null = null;
  const kit = await composeNodeKit({
    host: 'headless',
    dataRoot: root,
    settingsFile: join(resolveDataDirs(root, cfg.profile).settings, 'dashboard-settings.json'),
    // The command line decides network and data folder; there is no updater on a headless node.
    pinned: {
      network: cfg.profile,
      customNetwork: null,
      dataDir: resolve(root),
      autoUpdate: false,
    },
    vault: keyVault.vault,
    ...(importAtStart ? { importAtStart } : {}),
    choose: () => {
      if (!choice) throw new Error('The headless node chose no network yet.');
      return choice;
    },
    // The dashboard shows one bar per transfer, without the per-layer detail.
    mapProgress: ({ layers: _layers, ...p }) => p,
    logSinks: [reporter.log],
    // The reporter filters by --log-level; the log files and the dashboard keep debug lines.
    minLevel: 'debug',
    clock,
    agentVersion: AGENT_VERSION,
    env,
    ...(ops ? { ops } : {}),
    singleRun:
      'The headless node was stopped from the dashboard. Start it again from its terminal or ' +
      'service manager (for example "systemctl restart resultity-node").',
    onRun: (composed, chosen) => {
      node = composed;
      composed.agent.onStateChange(({ state }) => reporter.state(state));
      composed.jobEngine.onEvent((e) => reporter.job(e));
      reporter.started({
        nodeId: composed.agent.nodeId,
        network: chosen.profile.network,
        ioUrl: chosen.profile.ioUrl,
        dataDir: kit.dirs.base,
        runtime: chosen.runtime.kind === 'docker' ? 'docker' : chosen.runtime.url,
        // --runtime-gpu none runs only the devnet's stand-in image (local profile).
        simulated:
          chosen.runtime.kind === 'external'
            ? chosen.runtime.simulated
            : chosen.runtime.gpuRequest === 'none',
        ...(local
          ? { devnetAdmin: { url: local.devnet.url, token: local.devnet.adminToken } }
          : {}),
      });
    },
  });

  let service: UiService | null = null;
  let dashboard: HeadlessDashboard | null = null;
  try {
    ({ choice, local } = await chooseNetwork(cfg, root, kit.logger));
    // The service exists before the run, so image pulls at start reach the Models page.
    service = await kit.createService({
      appVersion: AGENT_VERSION,
      // No file manager on a headless rig: the reply carries the path.
      openFolder: async () => undefined,
      // The dashboard's confirmed "End process": drain, stop; the CLI then exits (code 0).
      endProcess: () =>
        void kit.agent
          .stop(undefined, 'ended from the dashboard')
          .catch((err: unknown) => kit.logger.error(`Ending failed: ${String(err)}`)),
      fixedSettings: {
        keys: ['network', 'customNetwork'],
        reason:
          'a headless node takes its network from the command line (--profile); restart it with ' +
          'the network you want.',
      },
    });
    // The dashboard port is taken before the node registers: a node that cannot show its
    // dashboard says so before it joins the network.
    dashboard = await openDashboard(cfg, kit, service);
    const link = await writeDashboardLink(kit.dirs.base, dashboard.url);
    reporter.dashboard(link);
    await kit.agent.start();
    const started = node as ComposedNode | null;
    if (!started) throw new Error('The node did not start.');
    if (kit.ops) reporter.ops(kit.ops.url);
    const summary: TimerHandle = clock.setInterval(
      () => reporter.summary(started.agent.counters()),
      60_000,
    );
    const net = local;
    const dash = dashboard;
    const ui = service;
    let stopping: Promise<void> | null = null;
    return {
      node: started,
      kit,
      service: ui,
      stop: (reason) =>
        (stopping ??= (async () => {
          clock.clearInterval(summary);
          await kit.agent.stop(undefined, reason);
          await net?.close();
          // The link file stays: the next start reuses its token and port.
          await dash.close();
          ui.dispose();
          await kit.close();
        })()),
    };
  } catch (err) {
    await dashboard?.close().catch(() => undefined);
    await kit.agent.stop(undefined, 'could not start').catch(() => undefined);
    service?.dispose();
    await local?.close().catch(() => undefined);
    await kit.close().catch(() => undefined);
    throw err;
  }
}

/**
 * The dashboard on the port asked for (taken: a usage error), else on the port of the last
 * start, the default port, or any free one, with the token kept from the last start.
 */
async function openDashboard(
  cfg: HeadlessConfig,
  kit: NodeKit,
  service: UiService,
): Promise<HeadlessDashboard> {
  const saved = await readSavedAccess(kit.dirs.base);
  const ports =
    cfg.dashboardPort !== undefined
      ? [cfg.dashboardPort]
      : [...new Set([saved?.port ?? DEFAULT_DASHBOARD_PORT, DEFAULT_DASHBOARD_PORT, 0])];
  try {
    return await startHeadlessDashboard({
      service,
      logger: kit.logger,
      ports,
      ...(saved ? { token: saved.token } : {}),
      ...(cfg.dashboardDir ? { staticDir: cfg.dashboardDir } : {}),
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    throw new UsageError(
      `The dashboard port ${cfg.dashboardPort} on 127.0.0.1 is taken (another node or program?). Stop that program, or pass another --dashboard-port (or leave it out: the node then picks its default port, ${DEFAULT_DASHBOARD_PORT}, or a free one).`,
    );
  }
}

/** The network profile and runtime from the flags; `--profile local` starts the devnet here. */
async function chooseNetwork(
  cfg: HeadlessConfig,
  root: string,
  logger: Logger,
): Promise<{ choice: NodeChoice; local: LocalNetwork | null }> {
  const docker = cfg.runtime === 'docker';
  const dockerRuntime = {
    kind: 'docker',
    ...(cfg.allowRuntimeImages ? { extraImages: cfg.allowRuntimeImages } : {}),
    ...(cfg.modelsVolume && cfg.modelsDir
      ? { modelsVolume: { name: cfg.modelsVolume, dir: cfg.modelsDir } }
      : {}),
    ...(cfg.runtimeGpu ? { gpuRequest: cfg.runtimeGpu } : {}),
  } as const;
  const given = (url: string) =>
    ({
      kind: 'external',
      url,
      apiKey: cfg.runtimeApiKey ?? null,
      simulated: false,
      ...(cfg.runtimePlanFile ? { planFile: cfg.runtimePlanFile } : {}),
      ...(cfg.runtimeImage ? { declaredImage: cfg.runtimeImage } : {}),
    }) as const;
  if (cfg.profile === 'local' && cfg.ioUrl && cfg.networkSigner && (cfg.runtimeUrl || docker)) {
    // A devnet that runs elsewhere (checked by parseOptions: signer and runtime given).
    const profile = localProfile(cfg.ioUrl, cfg.networkSigner);
    const runtime = docker ? dockerRuntime : given(cfg.runtimeUrl as string);
    return { local: null, choice: { profile, runtime } };
  }
  if (cfg.profile === 'local') {
    const local = await startLocalNetwork(root, !cfg.runtimeUrl && !docker, logger);
    const profile = localProfile(local.devnet.url, local.devnet.signerAddress, local.devnet.wsUrl);
    if (local.sim) {
      logger.warn(
        'Using the SIMULATED runtime: jobs get made-up text, not real inference. It runs only on the local network.',
      );
      const runtime = {
        kind: 'external',
        url: local.sim.url,
        apiKey: local.sim.apiKey,
        simulated: true,
      } as const;
      return { local, choice: { profile, runtime } };
    }
    const runtime = docker ? dockerRuntime : given(cfg.runtimeUrl as string);
    return { local, choice: { profile, runtime } };
  }
  const profile = PUBLIC_PROFILES[cfg.profile];
  if (docker) return { local: null, choice: { profile, runtime: dockerRuntime } };
  return { local: null, choice: { profile, runtime: given(await checkPublicRuntime(cfg)) } };
}

/** testnet/mainnet: a real runtime is required; the simulated one is refused. */
async function checkPublicRuntime(cfg: HeadlessConfig): Promise<string> {
  if (cfg.runtime === 'docker') return 'docker';
  if (!cfg.runtimeUrl) {
    throw new UsageError(
      `On ${cfg.profile} the node needs a real runtime: pass --runtime docker (vLLM in Docker on this machine's NVIDIA GPU) or --runtime-url with the address of a running vLLM server. The simulated runtime is refused on ${cfg.profile}.`,
    );
  }
  await assertRealRuntime(cfg.runtimeUrl, cfg.profile);
  return cfg.runtimeUrl;
}

/** Exit code for a node that stopped on its own: 0 after a clean drain, 1 after a failure. */
export function exitCodeFor(state: AgentState): number {
  return /^could not /.test(state.reason) ? 1 : 0;
}
