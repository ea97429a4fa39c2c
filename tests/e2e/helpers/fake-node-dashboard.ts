import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  startDashboardServer,
  type DashboardServer,
} from '../../../src-main/headless/dashboard-server.js';
import { openDashboardBrowser, type DashboardBrowser } from './browser.js';
import { buildRendererToTemp } from './build-renderer.js';
import { FakeNodeService } from './fake-node-service.js';

/** The real dashboard server over a scripted node, and Chromium on one page. */
export interface FakeNodeDashboard extends DashboardBrowser {
  /** The built renderer the server serves. */
  rendererDir: string;
  service: FakeNodeService;
  server: DashboardServer;
  /** Closes the browser, the server and the service, and removes the temp folders. */
  close(): Promise<void>;
}

/**
 * Builds the renderer, starts the dashboard server (any free port) over a FakeNodeService
 * (`prepare` fills it first) and opens a desktop-sized page (not yet on the dashboard).
 */
export async function openFakeNodeDashboard(o: {
  dataDirPrefix: string;
  host?: FakeNodeService['host'];
  acceptDownloads?: boolean;
  prepare?: (service: FakeNodeService) => void;
}): Promise<FakeNodeDashboard> {
  const rendererDir = await buildRendererToTemp();
  let dataDir: string | undefined;
  let service: FakeNodeService | undefined;
  let server: DashboardServer | undefined;
  let browser: DashboardBrowser | undefined;
  const close = async () => {
    await browser?.context.close();
    await browser?.browser.close();
    await server?.close();
    service?.close();
    await rm(rendererDir, { recursive: true, force: true });
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
  try {
    dataDir = await mkdtemp(path.join(tmpdir(), o.dataDirPrefix));
    service = new FakeNodeService(dataDir, o.host);
    o.prepare?.(service);
    server = await startDashboardServer({ service, staticDir: rendererDir, port: 0 });
    browser = await openDashboardBrowser(
      o.acceptDownloads ? { acceptDownloads: o.acceptDownloads } : {},
    );
  } catch (err) {
    await close();
    throw err;
  }
  return { ...browser, rendererDir, service, server, close };
}
