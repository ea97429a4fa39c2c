import WebSocket from 'ws';
import type { Clock } from '../../../src-main/core/clock.js';
import type { LogEntry } from '../../../src-main/core/logger.js';
import type { HeadlessConfig } from '../../../src-main/headless/options.js';
import type { Reporter } from '../../../src-main/headless/reporter.js';
import { runHeadless, type HeadlessNode } from '../../../src-main/headless/run-headless.js';

/** The dashboard link the node printed: `http://127.0.0.1:PORT/#token=…`. */
export interface DashboardLink {
  url: string;
  port: number;
  token: string;
}

export interface HeadlessWithDashboard {
  node: HeadlessNode;
  dash: DashboardLink;
  /** The in-process devnet's admin API (the local profile), from the `started` report. */
  admin: { url: string; token: string } | null;
}

/**
 * runHeadless (as `npm start` composes the node) with a reporter that keeps the dashboard link
 * and the devnet's admin API, and hands each reported log entry to `onLog`. `clock`: the node's
 * (runHeadless's default: the system clock).
 */
export async function runHeadlessWithDashboard(
  cfg: HeadlessConfig,
  onLog?: (e: LogEntry) => void,
  clock?: Clock,
): Promise<HeadlessWithDashboard> {
  let url = '';
  let admin: HeadlessWithDashboard['admin'] = null;
  const reporter = new Proxy({} as Reporter, {
    get: (_t, name) =>
      name === 'dashboard'
        ? (link: { url: string }) => (url = link.url)
        : name === 'started'
          ? (s: { devnetAdmin?: { url: string; token: string } }) => (admin = s.devnetAdmin ?? null)
          : name === 'log' && onLog
            ? onLog
            : () => undefined,
  });
  const node = await runHeadless(cfg, {}, reporter, clock);
  const parsed = new URL(url);
  const dash = { url, port: Number(parsed.port), token: parsed.hash.replace('#token=', '') };
  return { node, dash, admin };
}

/** One frame from the dashboard server: an answer ({id, result | error}) or a pushed event. */
export type BridgeFrame = Record<string, unknown> & {
  result?: unknown;
  error?: { code?: string; message: string };
};

/**
 * A tiny client speaking the bridge frames, authenticated with the link's token. `call` waits
 * `callTimeoutMs` for the answer (default 15 s: a key backup runs scrypt twice).
 */
export async function bridgeClient(
  dash: Pick<DashboardLink, 'port' | 'token'>,
  { callTimeoutMs = 15_000 } = {},
) {
  const ws = new WebSocket(`ws://127.0.0.1:${dash.port}/bridge`, {
    headers: { origin: `http://127.0.0.1:${dash.port}` },
  });
  const frames: BridgeFrame[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(String(d))));
  await new Promise((r, j) => ws.on('open', r).on('error', j));
  ws.send(JSON.stringify({ auth: dash.token }));
  let id = 0;
  /** The first frame (already come or to come) that `pred` accepts. */
  const until = async (
    pred: (f: BridgeFrame) => boolean,
    what = 'the frame',
    timeoutMs = 15_000,
  ): Promise<BridgeFrame> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = frames.find(pred);
      if (f) return f;
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const call = (command: string, arg?: unknown): Promise<BridgeFrame> => {
    const n = ++id;
    ws.send(JSON.stringify({ id: n, command, arg }));
    return until((f) => f.id === n, `answer to ${command}`, callTimeoutMs);
  };
  return { ws, frames, call, until, close: () => ws.close() };
}
