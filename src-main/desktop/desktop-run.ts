import type { ProgressDto, SettingsDto } from '../contract/index.js';
import { composeNode } from '../core/agent/compose-node.js';
import type { Clock } from '../core/clock.js';
import { PUBLIC_PROFILES } from '../core/config/network-profiles.js';
import { loadOrCreateIdentity } from '../core/identity/index.js';
import type { SecretVault } from '../core/identity/vaults/secret-vault.js';
import type { Logger } from '../core/logger.js';
import type { LogBatchBody } from '../core/protocol/schemas/http.js';
import type { ConfigSnapshot } from '../core/protocol/schemas/snapshot.js';
import { ExternalRuntime } from '../core/runtime/external-runtime.js';
import { driverMajor } from '../core/runtime/gpu/nvidia-smi-query.js';
import type { Runtime } from '../core/runtime/runtime.js';
import { ensureDataDirs, type DataDirs } from '../core/store/data-dirs.js';
import type { LogStore } from '../core/store/log-store.js';
import { samplerFromReadings } from '../core/system/gpu-status.js';
import type { NodeRun } from '../service/agent-host.js';
import type { GpuSource } from '../service/gpu-source.js';
import { createNvidiaDockerRuntime } from '../service/nvidia-docker-runtime.js';

/** For development against a vLLM server that is already running (skips Docker). */
export const RUNTIME_URL_ENV = 'RESULTITY_RUNTIME_URL';

export interface DesktopRunState {
  snapshot: () => ConfigSnapshot | null;
  upload: ((batch: LogBatchBody) => Promise<void>) | null;
}

export interface DesktopRunOptions {
  /** Read at each Start: the concurrency cap applies from the next Start. */
  settings: () => SettingsDto;
  dirs: DataDirs;
  vault: SecretVault;
  logger: Logger;
  clock: Clock;
  agentVersion: string;
  env: Readonly<Record<string, string | undefined>>;
  logStore: LogStore;
  gpu: GpuSource;
  onProgress: (p: ProgressDto) => void;
}

/** One run of the desktop node: identity, Docker vLLM runtime, composed agent. */
export async function composeDesktopRun(
  o: DesktopRunOptions,
): Promise<NodeRun & { state: DesktopRunState }> {
  const { dirs, logger, clock, gpu } = o;
  if (dirs.network === 'local') {
    throw new Error(
      'The desktop app does not run the local devnet. Use the headless node for it ' +
        '("npm start"), or choose testnet in Settings.',
    );
  }
  await ensureDataDirs(dirs);
  const cap = o.settings().maxConcurrentJobs;
  const runtime = await createRuntime(o);
  try {
    const { identity, created, protection } = await loadOrCreateIdentity({ dirs, vault: o.vault });
    logger.info(
      `${created ? 'Created' : 'Loaded'} node key ${identity.nodeId}, protected by ${protection.source}.`,
    );
    if (protection.warning) logger.warn(protection.warning);
    const node = composeNode({
      profile: PUBLIC_PROFILES[dirs.network],
      dirs,
      identity,
      runtime,
      logger,
      clock,
      agentVersion: o.agentVersion,
      logStore: o.logStore,
      gpuSampler: samplerFromReadings(gpu),
      driverMajor: () => driverMajor(gpu.state().gpus[0]?.driverVersion),
      ...(cap ? { agentOptions: { maxConcurrency: cap } } : {}),
    });
    return {
      agent: node.agent,
      runtime,
      state: {
        snapshot: () => node.agent.config.snapshot()?.snapshot ?? null,
        upload: (batch) => node.agent.uploadLogBatch(batch),
      },
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
}

async function createRuntime(o: DesktopRunOptions): Promise<Runtime> {
  const url = o.env[RUNTIME_URL_ENV]?.trim();
  if (url) {
    o.logger.warn(`Using the vLLM server at ${url} (${RUNTIME_URL_ENV}) instead of Docker.`);
    return new ExternalRuntime({ url, clock: o.clock, logger: o.logger });
  }
  // Throws a DockerEngineError that says what to do when Docker is missing or stopped.
  return createNvidiaDockerRuntime({
    dirs: o.dirs,
    clock: o.clock,
    logger: o.logger,
    gpu: o.gpu,
    onProgress: (p) => o.onProgress({ ...p }),
    env: o.env,
  });
}
