import { realpath } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { WS_BRIDGE_PATH, WS_CLOSE, WS_MAX_CLIENT_FRAME } from '../contract/ws-frames.js';
import { silentLogger, type Logger } from '../service/host-api.js';
import { setSecurityHeaders } from './dashboard/security-headers.js';
import { serveStatic } from './dashboard/static-files.js';
import { createDashboardToken } from './dashboard/token.js';
import { serveBridgeClient, type BridgeService } from './dashboard/ws-bridge.js';

export interface DashboardServerOptions {
  service: BridgeService;
  /** The built renderer (`dist/renderer`, from `npm run build:renderer`). */
  staticDir: string;
  /** 0 picks a free port. The server always binds 127.0.0.1 only. */
  port?: number;
  /** The access token (one kept from an earlier start); default: a fresh one. */
  token?: string;
  logger?: Logger;
  /** Authenticated dashboards at once. Default 16. */
  maxClients?: number;
  /** Sockets still waiting for their token; beyond it the oldest is closed. Default 32. */
  maxPending?: number;
  /** How long a socket may take to send its token. Default 2 s. */
  authTimeoutMs?: number;
  pingIntervalMs?: number;
}

export interface DashboardServer {
  /** Open this in a browser: `http://127.0.0.1:PORT/#token=…` (the token never reaches a log). */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/**
 * The headless dashboard: the same renderer as the desktop app, served on 127.0.0.1, and the
 * same UI contract over a WebSocket at /bridge. Only pages from this server (Origin check) that
 * know the token printed at start may use the bridge.
 */
export async function startDashboardServer(opts: DashboardServerOptions): Promise<DashboardServer> {
  const logger = opts.logger ?? silentLogger;
  const token = opts.token ?? createDashboardToken();
  const root = await realpath(opts.staticDir).catch(() => opts.staticDir);
  let origin = '';
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();

  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: WS_MAX_CLIENT_FRAME,
  });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    setSecurityHeaders(res, origin);
    // DNS rebinding: a page from another name that resolves here must not read anything.
    if (!allowedHosts.has(req.headers.host ?? '')) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`Open the dashboard at ${origin}/ (the address printed at start).\n`);
      return;
    }
    serveStatic(root, req, res).catch((err: unknown) => {
      logger.warn('The dashboard could not serve a file.', { error: (err as Error).message });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (path !== WS_BRIDGE_PATH) return refuse(404, 'Not Found');
    if (!allowedHosts.has(req.headers.host ?? '')) return refuse(421, 'Misdirected Request');
    // Browsers always send Origin; only pages served by this very server may connect.
    if (!allowedOrigins.has(req.headers.origin ?? '')) return refuse(403, 'Forbidden');
    // Only authenticated clients count: idle sockets cannot lock the dashboard out.
    if (admitted.size >= maxClients) return refuse(503, 'Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const maxClients = opts.maxClients ?? 16;
  const maxPending = opts.maxPending ?? 32;
  const admitted = new Set<WebSocket>();
  /** Sockets waiting for their token, oldest first. */
  const pending = new Set<WebSocket>();
  const alive = new WeakSet<object>();
  wss.on('connection', (ws) => {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    pending.add(ws);
    if (pending.size > maxPending) {
      const oldest = pending.values().next().value as WebSocket;
      pending.delete(oldest);
      oldest.close(WS_CLOSE.authTimeout, 'no token');
    }
    ws.on('close', () => admitted.delete(ws));
    serveBridgeClient(ws, {
      service: opts.service,
      token,
      logger,
      authTimeoutMs: opts.authTimeoutMs ?? 2_000,
      maxBufferedBytes: 16 * 1024 * 1024,
      settled: () => pending.delete(ws),
      admit: () => {
        if (admitted.size >= maxClients) return false;
        admitted.add(ws);
        return true;
      },
    });
  });
  // A browser tab that vanished without closing its socket is found by ping/pong.
  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, opts.pingIntervalMs ?? 30_000);
  pinger.unref();

  await new Promise<void>((resolve, reject) => {
    const failed = (err: Error) => {
      // A taken port: nothing of this server may outlive the failed start.
      clearInterval(pinger);
      wss.close();
      reject(err);
    };
    server.once('error', failed);
    server.listen({ host: HOST, port: opts.port ?? 0 }, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://${HOST}:${port}`;
  allowedHosts = new Set([`${HOST}:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([origin, `http://localhost:${port}`]);

  let closed: Promise<void> | null = null;
  return {
    url: `${origin}/#token=${token}`,
    token,
    port,
    close: () => {
      closed ??= (async () => {
        clearInterval(pinger);
        for (const ws of wss.clients) ws.close(WS_CLOSE.goingAway, 'server stopping');
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        for (const ws of wss.clients) ws.terminate();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      })();
      return closed;
    },
  };
}
