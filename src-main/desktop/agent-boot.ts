import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SettingsDto } from '../contract/index.js';
import { composeNode } from '../core/agent/compose-node.js';
import type { LogOutbox } from '../core/agent/log-uploader.js';
import type { Clock } from '../core/clock.js';
import { PUBLIC_PROFILES } from '../core/config/network-profiles.js';
import {
  clearAccountBinding,
  exportKeystoreBackup,
  loadAccountBinding,
  loadOrCreateIdentity,
  readStoredNodeId,
  saveAccountBinding,
} from '../core/identity/index.js';
import type { SecretVault } from '../core/identity/vaults/secret-vault.js';
import type { Logger } from '../core/logger.js';
import { ExternalRuntime } from '../core/runtime/external-runtime.js';
import { driverMajor } from '../core/runtime/gpu/nvidia-smi-query.js';
import { samplerFromReadings } from '../core/system/gpu-status.js';
import { ensureDataDirs, type DataDirs } from '../core/store/data-dirs.js';
import type { AgentFacade } from '../service/agent-facade.js';
import type { GpuSource } from '../service/gpu-source.js';
import { AgentHost } from '../service/agent-host.js';
import type { LogHub } from '../service/log-hub.js';

/** Until the Docker vLLM runtime is composed for the shell, a running vLLM server can be used. */
export const RUNTIME_URL_ENV = 'RESULTITY_RUNTIME_URL';

export interface DesktopAgentOptions {
  settings: SettingsDto;
  dirs: DataDirs;
  vault: SecretVault;
  logs: LogHub;
  logger: Logger;
  clock: Clock;
  agentVersion: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Where log entries wait for upload (the local log store). */
  logOutbox?: LogOutbox;
  /** GPU probe and live samples (dashboard, heartbeats, runtime image choice). */
  gpu?: GpuSource;
}

/**
 * The agent the desktop shell runs: the core Agent (composeNode) behind the UI service's
 * facade. The key's secret comes from the OS keychain (SafeStorageVault); every Start composes
 * a fresh run, because an Agent starts once.
 */
export async function createDesktopAgent(opts: DesktopAgentOptions): Promise<AgentFacade> {
  const { settings, dirs, vault, logger, clock } = opts;
  const host = new AgentHost({
    network: settings.network,
    clock,
    logs: opts.logs,
    keyProtection: () => vault.describe(),
    ...(opts.gpu ? { gpu: opts.gpu } : {}),
    storedNodeId: () => readStoredNodeId(dirs),
    owner: {
      load: async () => (await loadAccountBinding(dirs)) ?? null,
      save: async (binding) => {
        await ensureDataDirs(dirs);
        if (binding) await saveAccountBinding(dirs, binding);
        else await clearAccountBinding(dirs);
      },
    },
    exportKeyBackup: async (dir) => {
      await mkdir(dir, { recursive: true });
      const stamp = new Date(clock.now()).toISOString().slice(0, 10);
      const dest = join(dir, `resultity-node-key-${dirs.network}-${stamp}.json`);
      return (await exportKeystoreBackup(dirs, dest)).path;
    },
    createRun: async () => {
      if (dirs.network === 'local') {
        throw new Error(
          'The desktop app does not run the local devnet. Use the headless node for it ' +
            '("npm start"), or choose testnet in Settings.',
        );
      }
      const url = opts.env[RUNTIME_URL_ENV]?.trim();
      if (!url) {
        throw new Error(
          'No inference runtime is configured for this app yet: the Docker vLLM runtime is not ' +
            `part of this build. Start a vLLM server and set ${RUNTIME_URL_ENV} to its address ` +
            '(for example http://127.0.0.1:8000), then start the app again.',
        );
      }
      await ensureDataDirs(dirs);
      const { identity, created, protection } = await loadOrCreateIdentity({ dirs, vault });
      logger.info(
        `${created ? 'Created' : 'Loaded'} node key ${identity.nodeId}, protected by ${protection.source}.`,
      );
      if (protection.warning) logger.warn(protection.warning);
      const runtime = new ExternalRuntime({ url, clock, logger });
      const gpu = opts.gpu;
      const node = composeNode({
        profile: PUBLIC_PROFILES[dirs.network],
        dirs,
        identity,
        runtime,
        logger,
        clock,
        agentVersion: opts.agentVersion,
        ...(opts.logOutbox ? { logOutbox: opts.logOutbox } : {}),
        ...(gpu
          ? {
              gpuSampler: samplerFromReadings(gpu),
              driverMajor: () => driverMajor(gpu.state().gpus[0]?.driverVersion),
            }
          : {}),
      });
      return {
        agent: node.agent,
        runtime,
        close: async (reason, drainTimeoutMs) => {
          await node.agent.stop(reason, drainTimeoutMs);
          await node.close(reason);
          await runtime.stop();
        },
      };
    },
  });
  await host.init();
  return host;
}
