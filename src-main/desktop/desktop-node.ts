import {
  SafeStorageVault,
  systemClock,
  type AsyncSafeStorage,
  type Clock,
  type LogSink,
} from '../service/host-api.js';
import { DesktopNetworks } from './desktop-networks.js';
import { composeNodeKit, type NodeKit, type NodeKitOptions } from '../service/node-kit.js';
import type { UiService } from '../service/ui-service.js';
import type { KeyDialogs } from './key-dialogs.js';
import { desktopTriggers, type DesktopTriggerSources } from './desktop-triggers.js';

/** Health and metrics are off on the desktop; this port (on 127.0.0.1) turns them on. */
export const OPS_PORT_ENV = 'RESULTITY_OPS_PORT';

export interface DesktopNodeOptions {
  paths: { dataRoot: string; settingsFile: string };
  /** Electron's safeStorage: the OS keychain keeps the node key's secret. */
  safeStorage: AsyncSafeStorage;
  env: Readonly<Record<string, string | undefined>>;
  appVersion: string;
  /** Shows a folder in the file manager (shell.openPath). */
  openFolder: (path: string) => Promise<void>;
  /** Save, open and confirm dialogs of "Back up key" and "Import key" (key-dialogs.ts). */
  keyDialogs: KeyDialogs;
  drainTimeoutMs: number;
  /** The console, besides the log files and the dashboard. */
  logSink: LogSink;
  clock?: Clock;
  /** What the keyboard/mouse and full-screen pause triggers read (absent: no such triggers). */
  pauseSources?: DesktopTriggerSources;
  /** The updater, told when the network names a newer version (updater-link.ts). */
  agentUpdate?: NodeKitOptions['agentUpdate'];
  /** Tests: no real nvidia-smi, no real Docker checks. */
  testSeams?: Pick<NodeKitOptions, 'gpu' | 'setupChecks'>;
}

/** One network's node on the desktop: closing it stops the kit and the Demo network. */
export interface DesktopNode {
  kit: NodeKit;
  service: UiService;
  close(): Promise<void>;
}

/**
 * The desktop app's node for the network the settings choose: the node kit with the keychain
 * vault, and the Docker runtime (or the Demo network's simulated one).
 */
export async function composeDesktopNode(o: DesktopNodeOptions): Promise<DesktopNode> {
  const networks = new DesktopNetworks(o.env);
  const kit = await composeNodeKit({
    host: 'desktop',
    dataRoot: o.paths.dataRoot,
    settingsFile: o.paths.settingsFile,
    vault: (paths) => new SafeStorageVault(o.safeStorage, paths.safeStorageFile),
    choose: (dirs, logger, target) => networks.choose(dirs, logger, target),
    logSinks: [o.logSink],
    logSource: 'app',
    clock: o.clock ?? systemClock,
    agentVersion: o.appVersion,
    env: o.env,
    ...desktopOps(o.env),
    ...(o.pauseSources ? { hostTriggers: desktopTriggers.bind(null, o.pauseSources) } : {}),
    ...(o.agentUpdate ? { agentUpdate: o.agentUpdate } : {}),
    ...o.testSeams,
  });
  const service = await kit.createService({
    appVersion: o.appVersion,
    openFolder: o.openFolder,
    drainTimeoutMs: o.drainTimeoutMs,
    ...o.keyDialogs,
  });
  let closing: Promise<void> | null = null;
  return {
    kit,
    service,
    // Once: the quit flow and will-quit may both ask.
    close: () =>
      (closing ??= (async () => {
        await kit.close();
        await networks.close();
      })()),
  };
}

/**
 * The ops server only when RESULTITY_OPS_PORT names a port: always on 127.0.0.1 (a desktop
 * never serves other machines); RESULTITY_OPS_TOKEN, when set, guards /metrics.
 */
function desktopOps(env: DesktopNodeOptions['env']): Pick<NodeKitOptions, 'ops'> {
  const raw = env[OPS_PORT_ENV]?.trim();
  if (!raw) return {};
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    throw new Error(`${OPS_PORT_ENV} must be a port number (0–65535), not "${raw}".`);
  }
  return { ops: { bind: '127.0.0.1', port, token: env.RESULTITY_OPS_TOKEN?.trim() || null } };
}
