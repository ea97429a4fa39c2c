import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../core/logger.js';

/** Where the ops server listens, and the bearer token that guards /metrics. */
export interface OpsConfig {
  bind: string;
  /** 0: any free port. */
  port: number;
  /** Required for a bind other than loopback; when set, /metrics asks for it on any bind. */
  token?: string | null;
  /** The port is the default, not the operator's choice: a taken port is a warning, not fatal. */
  portIsDefault?: boolean;
}

export const DEFAULT_OPS_PORT = 9464;
export const MIN_OPS_TOKEN_LENGTH = 16;

export interface OpsHandlers {
  /** True while the agent serves jobs (state active). */
  ready(): { ready: boolean; state: string };
  metrics(): Promise<{ contentType: string; body: string }>;
}

export interface OpsServer {
  /** `http://host:port` (no token in it). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export class OpsConfigError extends Error {
  override readonly name = 'OpsConfigError';
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Refuses a reachable bind without a token, and a token too short to be one. */
export function checkOpsConfig(c: OpsConfig): void {
  const token = c.token ?? null;
  if (token !== null && token.length < MIN_OPS_TOKEN_LENGTH) {
    throw new OpsConfigError(
      `The ops token is ${token.length} characters long; use at least ${MIN_OPS_TOKEN_LENGTH} random characters (e.g. from "openssl rand -hex 24").`,
    );
  }
  if (!LOOPBACK.has(c.bind) && token === null) {
    throw new OpsConfigError(
      `The ops server would listen on ${c.bind}, reachable from other machines, without a token. Set RESULTITY_OPS_TOKEN or --ops-token-file (metrics then need "Authorization: Bearer <token>"), or bind 127.0.0.1.`,
    );
  }
}

/**
 * The ops endpoints for service managers, probes and Prometheus: `/livez` (the process's event
 * loop answers), `/readyz` (the node serves jobs) — both without a token and carrying nothing
 * secret (no node key, token or path) — and `/metrics` (behind the bearer token when one is set).
 * Returns null when the default port is taken (logged), so a second node on a rig still starts.
 */
export async function startOpsServer(
  c: OpsConfig,
  h: OpsHandlers,
  logger: Logger,
): Promise<OpsServer | null> {
  checkOpsConfig(c);
  const expected = c.token ? Buffer.from(`Bearer ${c.token}`) : null;
  const server = createServer((req, res) => {
    route(req, res, h, expected).catch((err: unknown) => {
      logger.warn(`The ops server could not answer ${req.url}: ${(err as Error).message}`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.requestTimeout = 10_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: c.bind, port: c.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' && c.portIsDefault) {
      logger.warn(
        `The ops server (health and metrics) did not start: port ${c.port} on ${c.bind} is taken (another node?). Pass --ops-port with a free port.`,
      );
      return null;
    }
    throw new OpsConfigError(
      `The ops server cannot listen on ${c.bind}:${c.port}: ${(err as Error).message}`,
    );
  }
  const port = (server.address() as AddressInfo).port;
  const host = c.bind.includes(':') ? `[${c.bind}]` : c.bind;
  let closed: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })),
  };
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  h: OpsHandlers,
  expected: Buffer | null,
): Promise<void> {
  const path = (req.url ?? '').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'Use GET.\n');
  if (path === '/livez') return json(res, 200, { live: true });
  if (path === '/readyz') {
    const r = h.ready();
    return json(res, r.ready ? 200 : 503, r);
  }
  if (path === '/metrics') {
    if (expected && !authorised(req.headers.authorization, expected)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return text(res, 401, 'Send "Authorization: Bearer <ops token>".\n');
    }
    const m = await h.metrics();
    res.writeHead(200, { 'Content-Type': m.contentType, 'Cache-Control': 'no-store' });
    res.end(m.body);
    return;
  }
  text(res, 404, 'Not found. Endpoints: /livez, /readyz, /metrics.\n');
}

function authorised(header: string | undefined, expected: Buffer): boolean {
  const got = Buffer.from(header ?? '');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(`${JSON.stringify(body)}\n`);
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(body);
}
