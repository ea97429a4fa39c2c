import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../service/host-api.js';
import type { UiService } from '../../service/ui-service.js';
import { startDashboardServer, type DashboardServer } from '../dashboard-server.js';

export interface HeadlessDashboardOptions {
  /** The UI service the node kit composed for this node. */
  service: UiService;
  logger: Logger;
  /**
   * Ports to try in order (always on 127.0.0.1); the next is tried only when one is taken.
   * 0 = any free port. Default [0].
   */
  ports?: number[];
  /** The access token kept from an earlier start (default: a fresh one). */
  token?: string;
  /** The built renderer; found next to the bundle or in the checkout when omitted. */
  staticDir?: string;
}

export type HeadlessDashboard = DashboardServer;

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

/**
 * Serves the dashboard of a headless node on 127.0.0.1 over its UI service. Print `url` to the
 * operator (the token is in its fragment).
 */
export async function startHeadlessDashboard(
  o: HeadlessDashboardOptions,
): Promise<HeadlessDashboard> {
  const ports = o.ports?.length ? o.ports : [0];
  for (let i = 0; ; i++) {
    try {
      return await startDashboardServer({
        service: o.service,
        staticDir: o.staticDir ?? findRendererDir(),
        port: ports[i]!,
        ...(o.token ? { token: o.token } : {}),
        logger: o.logger.child('dashboard'),
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || i + 1 >= ports.length) {
        throw err;
      }
      o.logger.warn(
        `The dashboard port ${ports[i]} on 127.0.0.1 is taken (another node or program?); trying ${ports[i + 1] === 0 ? 'a free port' : `port ${ports[i + 1]}`}. The dashboard link changes with it.`,
      );
    }
  }
}
