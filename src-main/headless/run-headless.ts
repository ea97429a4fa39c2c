import os from 'node:os';
import type { AgentState } from '../core/agent/state-machine.js';
import { composeNode, type ComposedNode } from '../core/agent/compose-node.js';
import { systemClock, type Clock, type TimerHandle } from '../core/clock.js';
import {
  PUBLIC_PROFILES,
  localProfile,
  type NetworkProfile,
} from '../core/config/network-profiles.js';
import {
  EnvVault,
  KEY_PASSPHRASE_ENV,
  PassphraseFileVault,
  identityPaths,
  loadOrCreateIdentity,
} from '../core/identity/index.js';
import { createLogger, type Logger } from '../core/logger.js';
import { ExternalRuntime } from '../core/runtime/external-runtime.js';
import { nodeLocateHost, nodeRun, nodeSpawn } from '../core/runtime/gpu/node-host.js';
import { driverMajor } from '../core/runtime/gpu/nvidia-smi-query.js';
import type { Runtime } from '../core/runtime/runtime.js';
import { samplerFromReadings } from '../core/system/gpu-status.js';
import { defaultDataRoot, ensureDataDirs, resolveDataDirs } from '../core/store/data-dirs.js';
import { LogStore } from '../core/store/log-store.js';
import { GpuSource } from '../service/gpu-source.js';
import { LogHub } from '../service/log-hub.js';
import {
  startHeadlessDashboard,
  type HeadlessDashboard,
} from './dashboard/start-headless-dashboard.js';
import { createHeadlessDockerRuntime, ProgressRelay } from './docker-runtime.js';
import { startLocalNetwork, type LocalNetwork } from './local-network.js';
import { UsageError, type HeadlessConfig } from './options.js';
import type { Reporter } from './reporter.js';
import { assertRealRuntime } from './runtime-guard.js';
import { AGENT_VERSION } from './version.js';

export interface HeadlessNode {
  node: ComposedNode;
  /** Drains and shuts everything down (idempotent). */
  stop(reason: string): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

interface RuntimeChoice {
  profile: NetworkProfile;
  /** 'docker' (--runtime docker): the node runs vLLM in Docker itself; else an endpoint. */
  url: string;
  apiKey: string | null;
  simulated: boolean;
  docker?: true;
}

/** Starts a headless node per `cfg`: identity, network profile, runtime, agent. */
export async function runHeadless(
  cfg: HeadlessConfig,
  env: Env,
  reporter: Reporter,
  clock: Clock = systemClock,
): Promise<HeadlessNode> {
  // Refuse an unusable runtime before anything is written (no key for a node that cannot run).
  if (cfg.profile !== 'local') await checkPublicRuntime(cfg);
  const root = cfg.dataDir ?? defaultDataRoot(process.platform, env, os.homedir());
  const dirs = resolveDataDirs(root, cfg.profile);
  await ensureDataDirs(dirs);
  // Local log files, uploaded through the agent's signed client once it is registered.
  let uploadVia:
    ((b: Parameters<ComposedNode['agent']['uploadLogBatch']>[0]) => Promise<void>) | null = null;
  const logStore = new LogStore({
    dir: dirs.logs,
    clock,
    upload: (batch) => (uploadVia ? uploadVia(batch) : Promise.reject(new Error('not online yet'))),
    onWarning: (message) =>
      reporter.log({ ts: clock.now(), level: 'warn', source: 'logs', message }),
  });
  await logStore.start();
  // The dashboard's Logs page subscribes here.
  const logs = new LogHub();
  const logger = createLogger([reporter.log, logStore.sink, logs.sink], {
    minLevel: 'debug',
    now: () => clock.now(),
  });
  const passphrase = env[KEY_PASSPHRASE_ENV];
  // Only the vault keeps the passphrase: child processes (nvidia-smi, …) must not inherit it.
  if (passphrase !== undefined) delete process.env[KEY_PASSPHRASE_ENV];
  const vault = passphrase
    ? new EnvVault({ [KEY_PASSPHRASE_ENV]: passphrase })
    : new PassphraseFileVault(identityPaths(dirs).passphraseFile);
  const { identity, created, protection } = await loadOrCreateIdentity({ dirs, vault });
  logger.info(
    `${created ? 'Created' : 'Loaded'} node key ${identity.nodeId}, protected by ${protection.source}.`,
  );
  if (protection.warning) logger.warn(protection.warning);

  let local: LocalNetwork | null = null;
  let runtime: Runtime | null = null;
  let dashboard: HeadlessDashboard | null = null;
  // This machine's GPUs for the dashboard, heartbeats and the Docker runtime's memory share.
  const gpu = new GpuSource({
    host: nodeLocateHost(),
    run: nodeRun,
    spawn: nodeSpawn,
    clock,
    logger,
  });
  const progress = new ProgressRelay();
  try {
    let choice: RuntimeChoice;
    ({ choice, local } = await chooseRuntime(cfg, root, logger));
    runtime = choice.docker
      ? await createHeadlessDockerRuntime({
          dirs,
          clock,
          logger,
          gpu,
          onProgress: progress.report,
          env,
          extraImages: cfg.allowRuntimeImages,
        })
      : new ExternalRuntime({
          url: choice.url,
          apiKey: choice.apiKey,
          simulated: choice.simulated,
          clock,
          logger,
          // The simulator warms up in a second; a real vLLM takes minutes, so look less often.
          healthIntervalMs: choice.simulated ? 1000 : 5000,
        });
    const node = composeNode({
      profile: choice.profile,
      dirs,
      identity,
      runtime,
      logger,
      clock,
      agentVersion: AGENT_VERSION,
      logStore,
      gpuSampler: samplerFromReadings(gpu),
      driverMajor: () => driverMajor(gpu.state().gpus[0]?.driverVersion),
    });
    uploadVia = (batch) => node.agent.uploadLogBatch(batch);
    node.agent.subscribe((s) => reporter.state(s));
    node.jobEngine.onEvent((e) => reporter.job(e));
    reporter.started({
      nodeId: identity.nodeId,
      network: choice.profile.network,
      ioUrl: choice.profile.ioUrl,
      dataDir: dirs.base,
      runtime: choice.url,
      simulated: choice.simulated,
      ...(local ? { devnetAdmin: { url: local.devnet.url, token: local.devnet.adminToken } } : {}),
    });
    const rt = runtime;
    await node.agent.start();
    // Started once the agent runs (it adopts the run); the page fetches the state on connect.
    dashboard = await startHeadlessDashboard({
      run: {
        agent: node.agent,
        runtime: rt,
        close: async (reason, drainTimeoutMs) => {
          await node.agent.stop(reason, drainTimeoutMs);
          await node.close(reason);
        },
      },
      dirs,
      protection,
      logs,
      logger,
      clock,
      appVersion: AGENT_VERSION,
      port: cfg.dashboardPort ?? 0,
      ...(cfg.dashboardDir ? { staticDir: cfg.dashboardDir } : {}),
      gpu,
    });
    progress.attach(dashboard.reportProgress);
    reporter.dashboard(dashboard.url);
    const summary: TimerHandle = clock.setInterval(
      () => reporter.summary(node.agent.counters()),
      60_000,
    );
    const net = local;
    const dash = dashboard;
    let stopping: Promise<void> | null = null;
    return {
      node,
      stop: (reason) =>
        (stopping ??= (async () => {
          clock.clearInterval(summary);
          await node.close(reason);
          await rt.stop();
          await net?.close();
          await dash.close();
          gpu.stop();
          await logStore.close();
        })()),
    };
  } catch (err) {
    await dashboard?.close().catch(() => undefined);
    await runtime?.stop().catch(() => undefined);
    await local?.close().catch(() => undefined);
    gpu.stop();
    await logStore.close().catch(() => undefined);
    throw err;
  }
}

async function chooseRuntime(
  cfg: HeadlessConfig,
  root: string,
  logger: Logger,
): Promise<{ choice: RuntimeChoice; local: LocalNetwork | null }> {
  const docker = cfg.runtime === 'docker';
  const dockerChoice = (profile: NetworkProfile): RuntimeChoice => ({
    profile,
    url: 'docker',
    apiKey: null,
    simulated: false,
    docker: true,
  });
  if (cfg.profile === 'local' && cfg.ioUrl && cfg.networkSigner && (cfg.runtimeUrl || docker)) {
    // A devnet that runs elsewhere (checked by parseOptions: signer and runtime given).
    const profile = localProfile(cfg.ioUrl, cfg.networkSigner);
    if (docker) return { local: null, choice: dockerChoice(profile) };
    const url = cfg.runtimeUrl as string;
    return {
      local: null,
      choice: { profile, url, apiKey: cfg.runtimeApiKey ?? null, simulated: false },
    };
  }
  if (cfg.profile === 'local') {
    const local = await startLocalNetwork(root, !cfg.runtimeUrl && !docker, logger);
    const profile = localProfile(local.devnet.url, local.devnet.signerAddress, local.devnet.wsUrl);
    if (local.sim) {
      logger.warn(
        'Using the SIMULATED runtime: jobs get made-up text, not real inference. It runs only on the local network.',
      );
      return {
        local,
        choice: { profile, url: local.sim.url, apiKey: local.sim.apiKey, simulated: true },
      };
    }
    if (docker) return { local, choice: dockerChoice(profile) };
    const url = cfg.runtimeUrl as string;
    return { local, choice: { profile, url, apiKey: cfg.runtimeApiKey ?? null, simulated: false } };
  }
  const profile = PUBLIC_PROFILES[cfg.profile];
  if (docker) return { local: null, choice: dockerChoice(profile) };
  const url = await checkPublicRuntime(cfg);
  return {
    local: null,
    choice: { profile, url, apiKey: cfg.runtimeApiKey ?? null, simulated: false },
  };
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
