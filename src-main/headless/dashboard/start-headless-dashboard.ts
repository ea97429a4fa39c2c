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
  /** 0 = any free port. Always 127.0.0.1. */
  port?: number;
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
export function startHeadlessDashboard(o: HeadlessDashboardOptions): Promise<HeadlessDashboard> {
  return startDashboardServer({
    service: o.service,
    staticDir: o.staticDir ?? findRendererDir(),
    port: o.port ?? 0,
    logger: o.logger.child('dashboard'),
  });
}
