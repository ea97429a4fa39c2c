import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDashboardBrowser, type DashboardBrowser } from './browser.js';
import { buildRendererToTemp } from './build-renderer.js';
import { bundleHeadlessCli, startHeadlessNode, type HeadlessNodeProcess } from './headless-node.js';

/** What a real headless node runs from: the built dashboard, the bundled CLI, a data folder. */
export interface HeadlessNodeFiles {
  rendererDir: string;
  bundle: string;
  dataDir: string;
  /** Removes the three temp folders. */
  remove(): Promise<void>;
}

/** Builds the renderer and bundles the CLI into temp folders, with an empty `<prefix>…` data folder. */
export async function prepareHeadlessNodeFiles(dataDirPrefix: string): Promise<HeadlessNodeFiles> {
  const made = await Promise.allSettled([
    buildRendererToTemp(),
    bundleHeadlessCli(),
    mkdtemp(path.join(tmpdir(), dataDirPrefix)),
  ]);
  const [rendererDir, bundle, dataDir] = made.map((m) =>
    m.status === 'fulfilled' ? m.value : undefined,
  );
  const remove = async () => {
    if (rendererDir) await rm(rendererDir, { recursive: true, force: true });
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    // The bundle lies alone in its own temp folder.
    if (bundle) await rm(path.dirname(bundle), { recursive: true, force: true });
  };
  const failed = made.find((m) => m.status === 'rejected');
  if (failed) {
    await remove();
    throw failed.reason;
  }
  return { rendererDir: rendererDir!, bundle: bundle!, dataDir: dataDir!, remove };
}

/** A real headless node (local profile: in-process devnet, simulated runtime) and Chromium on one page. */
export interface RealNodeDashboard extends HeadlessNodeFiles, DashboardBrowser {
  /** The node running now (startNode replaces it). */
  node: HeadlessNodeProcess;
  /**
   * Starts the node again on the same data folder (once the test stopped it). `dashboardPort`
   * as in startHeadlessNode: default any free port; null reuses the port its link file saved.
   */
  startNode(o?: { dashboardPort?: number | null }): Promise<HeadlessNodeProcess>;
  /** Closes the browser, stops the node (SIGTERM drains; SIGKILL after 15 s), removes the folders. */
  close(): Promise<void>;
}

/**
 * The usual real-node e2e setup: prepareHeadlessNodeFiles, the node started as an operator runs
 * it (on `dashboardPort`, default any free port) and a desktop-sized Chromium page.
 */
export async function openRealNodeDashboard(o: {
  dataDirPrefix: string;
  dashboardPort?: number | null;
}): Promise<RealNodeDashboard> {
  const files = await prepareHeadlessNodeFiles(o.dataDirPrefix);
  let node: HeadlessNodeProcess | undefined;
  let browser: DashboardBrowser | undefined;
  const close = async () => {
    await browser?.context.close();
    await browser?.browser.close();
    await node?.stop(15_000);
    await files.remove();
  };
  const start = (dashboardPort: number | null | undefined) =>
    startHeadlessNode({
      bundle: files.bundle,
      dataDir: files.dataDir,
      rendererDir: files.rendererDir,
      ...(dashboardPort !== undefined ? { dashboardPort } : {}),
    });
  try {
    node = await start(o.dashboardPort);
    browser = await openDashboardBrowser();
  } catch (err) {
    await close();
    throw err;
  }
  const dashboard: RealNodeDashboard = {
    ...files,
    ...browser,
    node,
    startNode: async (again = {}) => {
      node = await start(again.dashboardPort);
      dashboard.node = node;
      return node;
    },
    close,
  };
  return dashboard;
}
