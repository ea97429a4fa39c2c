import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { NetworkName } from '../protocol/networks.js';

/**
 * The folders of one network's local state. Every path lives under `base = <root>/<network>`,
 * so a `mainnet` object can never point at `testnet` keys, journal or snapshots.
 */
export interface DataDirs {
  readonly root: string;
  readonly network: NetworkName;
  readonly base: string;
  readonly keys: string;
  readonly snapshots: string;
  readonly journal: string;
  readonly logs: string;
  readonly settings: string;
}

const SUBDIRS = ['keys', 'snapshots', 'journal', 'logs', 'settings'] as const;

export const DATA_DIR_ENV = 'RESULTITY_DATA_DIR';
const APP_FOLDER_LINUX = 'resultity-node';
const APP_FOLDER = 'Resultity Node';

/** A folder name for a network's state: lower-case letters, digits, dots and dashes. */
const FOLDER = /^[a-z0-9][a-z0-9.-]{0,99}$/;

/**
 * `folder` (default: the network's name) keeps networks that speak the same protocol name
 * apart: a custom network named `testnet` never shares the public testnet's key or journal.
 */
export function resolveDataDirs(
  root: string,
  network: NetworkName,
  folder: string = network,
): DataDirs {
  // Parse, not cast: a value such as '../testnet' must never become a folder name.
  const parsed = NetworkName.safeParse(network);
  if (!parsed.success) {
    throw new Error(
      `Unknown network "${String(network)}": expected one of ${NetworkName.options.join(', ')}.`,
    );
  }
  if (root.trim() === '') throw new Error('The data folder path is empty.');
  if (!FOLDER.test(folder)) throw new Error(`"${folder}" is not a usable network folder name.`);
  const absRoot = path.resolve(root);
  const base = path.join(absRoot, folder);
  const dirs: DataDirs = {
    root: absRoot,
    network: parsed.data,
    base,
    keys: path.join(base, 'keys'),
    snapshots: path.join(base, 'snapshots'),
    journal: path.join(base, 'journal'),
    logs: path.join(base, 'logs'),
    settings: path.join(base, 'settings'),
  };
  return Object.freeze(dirs);
}

/**
 * Creates the network's folders, private to the current user (0700). The root itself is only
 * created if missing, never re-permissioned: it may be a folder the operator chose.
 */
export async function ensureDataDirs(dirs: DataDirs): Promise<void> {
  await mkdir(dirs.root, { recursive: true, mode: 0o700 });
  for (const dir of [dirs.base, ...SUBDIRS.map((name) => dirs[name])]) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
  }
}

/**
 * The usual per-user application data folder: `$XDG_DATA_HOME/resultity-node` (or
 * `~/.local/share/resultity-node`) on Linux, `~/Library/Application Support/Resultity Node` on
 * macOS, `%APPDATA%\Resultity Node` on Windows. `RESULTITY_DATA_DIR` overrides all of them.
 */
export function defaultDataRoot(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
  homedir: string,
): string {
  const override = env[DATA_DIR_ENV]?.trim();
  if (override) return override;
  if (platform === 'win32') {
    const appData = env.APPDATA?.trim() || path.win32.join(homedir, 'AppData', 'Roaming');
    return path.win32.join(appData, APP_FOLDER);
  }
  if (platform === 'darwin') {
    return path.posix.join(homedir, 'Library', 'Application Support', APP_FOLDER);
  }
  // XDG spec: a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME?.trim();
  const dataHome =
    xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(homedir, '.local', 'share');
  return path.posix.join(dataHome, APP_FOLDER_LINUX);
}
