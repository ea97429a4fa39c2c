import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProgressDto, SettingsDto, SetupCheckDto } from '../../contract/index.js';
import type { Clock } from '../../core/clock.js';
import type { VaultDescription } from '../../core/identity/vaults/secret-vault.js';
import {
  clearAccountBinding,
  exportKeystoreBackup,
  loadAccountBinding,
  readStoredNodeId,
  saveAccountBinding,
} from '../../core/identity/index.js';
import type { Logger } from '../../core/logger.js';
import type { DataDirs } from '../../core/store/data-dirs.js';
import { AgentHost, type AgentHostOptions, type NodeRun } from '../../service/agent-host.js';
import { setupChecks } from '../../service/setup-source.js';
import { nodeDiscoveryHost } from '../../core/runtime/docker/discovery-host.js';
import { probeGpus, type GpuProbe } from '../../core/runtime/gpu/gpu-probe.js';
import { nodeLocateHost, nodeRun } from '../../core/runtime/gpu/node-host.js';
import type { LogHub } from '../../service/log-hub.js';
import { JsonFileSettingsStore, type SettingsStore } from '../../service/settings-store.js';
import { UiService } from '../../service/ui-service.js';
import { startDashboardServer, type DashboardServer } from '../dashboard-server.js';

export interface HeadlessDashboardOptions {
  /** The node the CLI composed and started. */
  run: NodeRun;
  dirs: DataDirs;
  protection: VaultDescription;
  /** Add `logs.sink` to the CLI logger's sinks so the dashboard shows the log. */
  logs: LogHub;
  logger: Logger;
  clock: Clock;
  appVersion: string;
  /** 0 = any free port. Always 127.0.0.1. */
  port?: number;
  /** The built renderer; found next to the bundle or in the checkout when omitted. */
  staticDir?: string;
  /** GPU view (GpuSource); without it the GPU page says this node reads no GPU information. */
  gpu?: AgentHostOptions['gpu'] & { probeAgain?: () => Promise<GpuProbe> };
  /** The setup doctor; defaults to the real machine's checks (Docker, driver, disk…). */
  setupChecks?: () => Promise<SetupCheckDto[]>;
}

export interface HeadlessDashboard extends DashboardServer {
  service: UiService;
  /** Image pulls and model downloads of the node's runtime, shown on the Models page. */
  reportProgress(progress: ProgressDto): void;
}

/** The built renderer: dist/renderer beside dist/headless, or in the current checkout. */
export function findRendererDir(moduleUrl: string = import.meta.url): string {
  const here = fileURLToPath(new URL('.', moduleUrl));
  const candidates = [
    resolve(here, '../renderer'), // dist/headless/cli.mjs → dist/renderer
    resolve(here, '../../../dist/renderer'), // src-main/headless/dashboard → dist/renderer
    resolve(process.cwd(), 'dist/renderer'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[2]!;
}

/** The CLI decides network and data folder; the dashboard cannot move them. */
function pinned(store: SettingsStore, fixed: Pick<SettingsDto, 'network' | 'dataDir'>) {
  return {
    load: async () => ({ ...(await store.load()), ...fixed }),
    save: (s: SettingsDto) => store.save({ ...s, ...fixed }),
  };
}

/**
 * Serves the dashboard for a running headless node: UI service over the node, dashboard server
 * on 127.0.0.1. Print `url` to the operator (the token is in its fragment).
 */
export async function startHeadlessDashboard(
  o: HeadlessDashboardOptions,
): Promise<HeadlessDashboard> {
  const { dirs, clock, logger } = o;
  const defaults: SettingsDto = {
    network: dirs.network,
    dataDir: dirs.root,
    launchAtLogin: false,
    keepAwake: false,
    autoUpdate: false,
    maxConcurrentJobs: null,
    gpuMemoryHeadroomMb: 1024,
    theme: 'system',
  };
  let settingsNow: SettingsDto = { ...defaults };
  const agent = new AgentHost({
    network: dirs.network,
    clock,
    logs: o.logs,
    keyProtection: () => o.protection,
    ...(o.gpu ? { gpu: o.gpu } : {}),
    setupChecks:
      o.setupChecks ??
      setupChecks({
        host: nodeDiscoveryHost(),
        probeGpu:
          o.gpu?.probeAgain?.bind(o.gpu) ??
          (() => probeGpus({ host: nodeLocateHost(), run: nodeRun })),
        snapshot: () => o.run.agent.config.snapshot()?.snapshot ?? null,
        dataDir: () => dirs.base,
        headroomMb: () => settingsNow.gpuMemoryHeadroomMb,
      }),
    storedNodeId: () => readStoredNodeId(dirs),
    owner: {
      load: async () => (await loadAccountBinding(dirs)) ?? null,
      save: async (b) => (b ? void (await saveAccountBinding(dirs, b)) : clearAccountBinding(dirs)),
    },
    exportKeyBackup: async (dir) => {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const stamp = new Date(clock.now()).toISOString().replace(/[:.]/g, '-');
      return (await exportKeystoreBackup(dirs, join(dir, `node-key-backup-${stamp}.json`))).path;
    },
    createRun: async () => {
      throw new Error(
        'The headless node was stopped from the dashboard. Start it again from its terminal or ' +
          'service manager (for example "systemctl restart resultity-node").',
      );
    },
  });
  await agent.init();
  agent.adopt(o.run);
  const store = new JsonFileSettingsStore(join(dirs.settings, 'dashboard-settings.json'), defaults);
  const service = await UiService.create({
    agent,
    host: {
      kind: 'headless',
      appVersion: o.appVersion,
      exportDir: join(dirs.base, 'exports'),
      logsDir: dirs.logs,
      // No file manager on a headless rig: the reply carries the path.
      openFolder: async () => undefined,
    },
    settingsStore: pinned(store, { network: dirs.network, dataDir: dirs.root }),
    clock,
    logger,
    fixedSettings: {
      keys: ['network'],
      reason:
        'a headless node takes its network from the command line (--profile); restart it with ' +
        'the network you want.',
    },
  });
  settingsNow = service.currentSettings();
  service.subscribe((event, payload) => {
    if (event === 'settings') settingsNow = payload as SettingsDto;
  });
  const server = await startDashboardServer({
    service,
    staticDir: o.staticDir ?? findRendererDir(),
    port: o.port ?? 0,
    logger: logger.child('dashboard'),
  });
  return {
    ...server,
    service,
    reportProgress: (p) => agent.reportProgress(p),
    close: async () => {
      await server.close();
      service.dispose();
    },
  };
}
