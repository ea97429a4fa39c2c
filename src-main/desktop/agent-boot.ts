import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SettingsDto } from '../contract/index.js';
import type { Clock } from '../core/clock.js';
import {
  clearAccountBinding,
  exportKeystoreBackup,
  loadAccountBinding,
  readStoredNodeId,
  saveAccountBinding,
} from '../core/identity/index.js';
import type { SecretVault } from '../core/identity/vaults/secret-vault.js';
import type { Logger } from '../core/logger.js';
import { nodeDiscoveryHost } from '../core/runtime/docker/discovery-host.js';
import { ensureDataDirs, type DataDirs } from '../core/store/data-dirs.js';
import type { LogStore } from '../core/store/log-store.js';
import type { AgentFacade } from '../service/agent-facade.js';
import { AgentHost } from '../service/agent-host.js';
import type { GpuSource } from '../service/gpu-source.js';
import type { LogHub } from '../service/log-hub.js';
import { setupChecks } from '../service/setup-source.js';
import { composeDesktopRun, type DesktopRunState } from './desktop-run.js';

export interface DesktopAgentOptions {
  settings: () => SettingsDto;
  dirs: DataDirs;
  vault: SecretVault;
  logs: LogHub;
  logger: Logger;
  clock: Clock;
  agentVersion: string;
  env: Readonly<Record<string, string | undefined>>;
  /** The local log files; uploaded through the running agent. */
  logStore: LogStore;
  /** Sends log batches once an agent is online (set per run). */
  setLogUpload: (upload: DesktopRunState['upload']) => void;
  /** GPU probe and live samples (dashboard, heartbeats, runtime image choice). */
  gpu: GpuSource;
}

/**
 * The agent the desktop shell runs: the core Agent (composeNode, Docker vLLM runtime) behind
 * the UI service's facade. The key's secret comes from the OS keychain (SafeStorageVault).
 */
export async function createDesktopAgent(opts: DesktopAgentOptions): Promise<AgentFacade> {
  const { dirs, vault, clock } = opts;
  const current: DesktopRunState = { snapshot: () => null, upload: null };
  const host: AgentHost = new AgentHost({
    network: dirs.network,
    clock,
    logs: opts.logs,
    keyProtection: () => vault.describe(),
    gpu: opts.gpu,
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
    setupChecks: setupChecks({
      host: nodeDiscoveryHost(),
      probeGpu: () => opts.gpu.probeAgain(),
      snapshot: () => current.snapshot(),
      dataDir: () => dirs.base,
      headroomMb: () => opts.settings().gpuMemoryHeadroomMb,
    }),
    createRun: async () => {
      const run = await composeDesktopRun({
        ...opts,
        onProgress: (p) => host.reportProgress(p),
      });
      current.snapshot = run.state.snapshot;
      opts.setLogUpload(run.state.upload);
      return run;
    },
  });
  await host.init();
  return host;
}
