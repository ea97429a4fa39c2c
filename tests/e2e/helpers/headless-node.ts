import { readFile } from 'node:fs/promises';
import { AdminClient } from '../../bench/stack/admin-client.js';
import {
  bundleHeadlessCli as bundleCli,
  startProcess,
  type ExitInfo,
  type ManagedProcess,
} from '../../helpers/processes.js';

/** One `--json` line of the headless CLI (started | dashboard | state | log | job | jobs | exit). */
export interface NodeEvent {
  type: string;
  ts: number;
  [field: string]: unknown;
}

export interface HeadlessNodeProcess {
  proc: ManagedProcess;
  /** The dashboard link, `http://127.0.0.1:PORT/#token=…`, read from its 0600 link file. */
  dashboardUrl: string;
  /** What the CLI printed as `url` (stdout is a pipe here: without the token). */
  printedUrl: string;
  /** Where the CLI said the link is kept. */
  linkFile: string;
  /** The in-process devnet's admin API, from the `started` event. */
  admin: AdminClient;
  /** Every JSON event so far. */
  events: NodeEvent[];
  /** The first event (already seen or still to come) that matches. */
  waitForEvent(match: (e: NodeEvent) => boolean, timeoutMs?: number): Promise<NodeEvent>;
  /** SIGTERM (the CLI drains), then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<ExitInfo>;
}

/**
 * The headless CLI bundled exactly like `npm run build:headless` (same esbuild options), into a
 * private folder: other suites rebuild dist/ while this one runs. Remove `dirname(bundle)` after.
 */
export function bundleHeadlessCli(): Promise<string> {
  return bundleCli('headless-cli-e2e');
}

const parse = (line: string): NodeEvent | null => {
  if (!line.startsWith('{')) return null;
  try {
    return JSON.parse(line) as NodeEvent;
  } catch {
    return null;
  }
};

/**
 * Starts the headless node as an operator runs it, on the local profile (in-process devnet and
 * SIMULATED runtime), with `--json` events; resolves once it has printed its dashboard link.
 */
export async function startHeadlessNode(o: {
  bundle: string;
  dataDir: string;
  rendererDir: string;
  /** Default 0 (any free port); null passes no flag (the node's own choice: stable link). */
  dashboardPort?: number | null;
}): Promise<HeadlessNodeProcess> {
  const events: NodeEvent[] = [];
  const env = { ...process.env };
  delete env.RESULTITY_KEY_PASSPHRASE;
  delete env.RESULTITY_DATA_DIR;
  const proc = startProcess({
    name: 'headless node',
    args: [
      o.bundle,
      '--json',
      '--data-dir',
      o.dataDir,
      ...(o.dashboardPort === null ? [] : ['--dashboard-port', String(o.dashboardPort ?? 0)]),
      '--dashboard-dir',
      o.rendererDir,
    ],
    env,
    onLine: (line, stream) => {
      const e = stream === 'stdout' ? parse(line) : null;
      if (e) events.push(e);
    },
  });
  const waitForEvent = async (match: (e: NodeEvent) => boolean, timeoutMs = 15_000) => {
    const seen = events.find(match);
    if (seen) return seen;
    const line = await proc.waitForLine((l) => {
      const e = parse(l);
      return e !== null && match(e);
    }, timeoutMs);
    return parse(line)!;
  };
  try {
    const started = await waitForEvent((e) => e.type === 'started', 30_000);
    const devnet = started.devnetAdmin as { url: string; token: string } | undefined;
    if (!devnet) throw new Error('the started event has no devnetAdmin (not the local profile?)');
    const dashboard = await waitForEvent((e) => e.type === 'dashboard', 30_000);
    const linkFile = String(dashboard.linkFile);
    return {
      proc,
      dashboardUrl: (await readFile(linkFile, 'utf8')).trim(),
      printedUrl: String(dashboard.url),
      linkFile,
      admin: new AdminClient(devnet.url, devnet.token),
      events,
      waitForEvent,
      stop: (graceMs = 15_000) => proc.stop(graceMs),
    };
  } catch (err) {
    await proc.stop(5_000);
    throw err;
  }
}
