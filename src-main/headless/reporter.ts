import type { AgentState, JobEvent, LogEntry, LogLevel } from '../service/host-api.js';
import { withoutToken, type DashboardLink } from './dashboard/link-file.js';

export interface StartInfo {
  nodeId: string;
  network: string;
  ioUrl: string;
  dataDir: string;
  runtime: string;
  simulated: boolean;
  /** The in-process local devnet's admin API (local profile without --io-url only). */
  devnetAdmin?: { url: string; token: string };
}

/** Where the headless node tells the operator what it does: a status line or JSON lines. */
export interface Reporter {
  started(info: StartInfo): void;
  /**
   * The dashboard's link (access token in the fragment, `#token=…`) and the 0600 file holding
   * it. The token is printed only to a terminal; elsewhere (journald, a pipe) only the file's
   * path is.
   */
  dashboard(link: DashboardLink): void;
  /** The health and metrics server's address (no token in it). */
  ops(url: string): void;
  state(s: AgentState): void;
  log(entry: LogEntry): void;
  job(e: JobEvent): void;
  summary(counters: { in_flight: number; completed_total: number; failed_total: number }): void;
  exit(code: number, reason: string): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

type Write = (line: string) => void;

/** How the output is seen: `terminal` only when stdout is a TTY (then secrets may be shown). */
export interface ReporterOutput {
  terminal: boolean;
}

/** One JSON object per line, each with a `type`. */
export function jsonReporter(
  write: Write,
  minLevel: LogLevel,
  now: () => number,
  output: ReporterOutput = { terminal: false },
): Reporter {
  const out = (type: string, fields: Record<string, unknown>) =>
    write(`${JSON.stringify({ type, ts: now(), ...fields })}\n`);
  return {
    started: (i) => out('started', { ...i }),
    dashboard: (link) =>
      out('dashboard', {
        url: output.terminal ? link.url : withoutToken(link.url),
        linkFile: link.file,
      }),
    ops: (url) => out('ops', { url }),
    state: (s) => out('state', { state: s.name, reason: s.reason }),
    log: (e) => {
      if (RANK[e.level] >= RANK[minLevel]) out('log', { ...e });
    },
    job: (e) => out('job', { ...e }),
    summary: (c) => out('jobs', { ...c }),
    exit: (code, reason) => out('exit', { code, reason }),
  };
}

/** Human-readable lines: every state change, logs at or above the level, a periodic summary. */
export function statusLineReporter(
  write: Write,
  minLevel: LogLevel,
  now: () => number,
  output: ReporterOutput = { terminal: false },
): Reporter {
  const time = () => new Date(now()).toISOString().slice(11, 19);
  let tag = '';
  return {
    started: (i) => {
      tag = `${i.network}${i.simulated ? ' · SIMULATED runtime' : ''}`;
      write(
        `${time()}  Resultity Node ${i.nodeId} on ${i.network} (${i.ioUrl})\n` +
          `${time()}  runtime: ${i.runtime}${i.simulated ? ' — SIMULATED: no real inference, local network only' : ''}\n` +
          `${time()}  data: ${i.dataDir}\n` +
          (i.devnetAdmin
            ? `${time()}  devnet admin: curl -H "Authorization: Bearer ${i.devnetAdmin.token}" ${i.devnetAdmin.url}/v1/admin/stats\n`
            : ''),
      );
    },
    dashboard: (link) =>
      write(
        output.terminal
          ? `${time()}  dashboard: ${link.url}  (open it in a browser on this machine; the link carries the access token, keep it private; also in ${link.file})\n`
          : `${time()}  dashboard: ${withoutToken(link.url)}  (the link with its access token is in ${link.file}, readable only by this user; open that link in a browser on this machine)\n`,
      ),
    ops: (url) => write(`${time()}  health and metrics: ${url}/readyz, ${url}/metrics\n`),
    state: (s) => write(`${time()}  ${s.name.toUpperCase().padEnd(9)} ${s.reason}  [${tag}]\n`),
    log: (e) => {
      if (RANK[e.level] >= RANK[minLevel]) {
        write(`${time()}  ${e.level.padEnd(5)} ${e.source}: ${e.message}\n`);
      }
    },
    job: () => undefined,
    summary: (c) =>
      write(
        `${time()}  jobs: ${c.in_flight} in flight, ${c.completed_total} completed, ${c.failed_total} failed  [${tag}]\n`,
      ),
    exit: (code, reason) => write(`${time()}  exit ${code}: ${reason}\n`),
  };
}
