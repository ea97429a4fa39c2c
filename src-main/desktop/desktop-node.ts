import {
  PUBLIC_PROFILES,
  SafeStorageVault,
  systemClock,
  type AsyncSafeStorage,
  type Clock,
  type DataDirs,
  type LogSink,
  type Logger,
} from '../service/host-api.js';
import {
  composeNodeKit,
  type NodeChoice,
  type NodeKit,
  type NodeKitOptions,
} from '../service/node-kit.js';
import type { UiService } from '../service/ui-service.js';

/** For development against a vLLM server that is already running (skips Docker). */
export const RUNTIME_URL_ENV = 'RESULTITY_RUNTIME_URL';
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
  drainTimeoutMs: number;
  /** The console, besides the log files and the dashboard. */
  logSink: LogSink;
  clock?: Clock;
  /** Tests: no real nvidia-smi, no real Docker checks. */
  testSeams?: Pick<NodeKitOptions, 'gpu' | 'setupChecks'>;
}

/** The desktop app's node: the node kit with the keychain vault and the Docker runtime. */
export async function composeDesktopNode(
  o: DesktopNodeOptions,
): Promise<{ kit: NodeKit; service: UiService }> {
  const kit = await composeNodeKit({
    host: 'desktop',
    dataRoot: o.paths.dataRoot,
    settingsFile: o.paths.settingsFile,
    vault: (paths) => new SafeStorageVault(o.safeStorage, paths.safeStorageFile),
    choose: (dirs, logger) => desktopChoice(dirs, o.env, logger),
    logSinks: [o.logSink],
    logSource: 'app',
    clock: o.clock ?? systemClock,
    agentVersion: o.appVersion,
    env: o.env,
    ...desktopOps(o.env),
    ...o.testSeams,
  });
  const service = await kit.createService({
    appVersion: o.appVersion,
    openFolder: o.openFolder,
    drainTimeoutMs: o.drainTimeoutMs,
  });
  return { kit, service };
}

/** vLLM in Docker on a public network; RESULTITY_RUNTIME_URL points at a running server. */
export function desktopChoice(
  dirs: DataDirs,
  env: DesktopNodeOptions['env'],
  logger: Logger,
): NodeChoice {
  if (dirs.network === 'local') {
    throw new Error(
      'The desktop app does not run the local devnet. Use the headless node for it ' +
        '("npm start"), or choose testnet in Settings.',
    );
  }
  const profile = PUBLIC_PROFILES[dirs.network];
  const url = env[RUNTIME_URL_ENV]?.trim();
  if (!url) return { profile, runtime: { kind: 'docker' } };
  logger.warn(`Using the vLLM server at ${url} (${RUNTIME_URL_ENV}) instead of Docker.`);
  return { profile, runtime: { kind: 'external', url, apiKey: null, simulated: false } };
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
