import { createConnection } from 'node:net';
import os from 'node:os';
import { defaultDataRoot, resolveDataDirs } from '../service/host-api.js';
import { dashboardLinkFile, readSavedAccess } from './dashboard/link-file.js';
import type { HeadlessConfig } from './options.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Whether something listens on 127.0.0.1:port (the node's dashboard, when it runs). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * `resultity-node link`: prints the dashboard link kept in the data folder (the same at every
 * start), and says on stderr when the node is not running. Returns the exit code.
 */
export async function printDashboardLink(
  cfg: HeadlessConfig,
  env: Env,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const root = cfg.dataDir ?? defaultDataRoot(process.platform, env, os.homedir());
  const base = resolveDataDirs(root, cfg.profile).base;
  const saved = await readSavedAccess(base);
  if (!saved) {
    err(
      `No dashboard link in ${dashboardLinkFile(base)}: the ${cfg.profile} node in this data folder has not started yet (or the file is unreadable by this user). ` +
        `Start it once (resultity-node --profile ${cfg.profile}${cfg.dataDir ? ` --data-dir ${cfg.dataDir}` : ''}); the link stays the same after that.\n`,
    );
    return 1;
  }
  out(`http://127.0.0.1:${saved.port}/#token=${saved.token}\n`);
  if (!(await listening(saved.port))) {
    err('The node is not running now: the link works again once it runs.\n');
  }
  return 0;
}
