import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ProtocolError, type ProtocolErrorCode } from '../../core/protocol/errors.js';
import { HttpPaths } from '../../core/protocol/schemas/http.js';
import { MAX_FRAME_BYTES } from '../../core/protocol/schemas/ws.js';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../core/logger.js';
import type { Faults, FaultState } from './faults.js';
import { HttpError, parseJsonBody, readBody, sendError } from './http-util.js';
import type { Router } from './router.js';
import type { SessionServer } from './session-server.js';

const PROTOCOL_STATUS: Partial<Record<ProtocolErrorCode, number>> = {
  malformed: 400,
  unsupported_version: 400,
  wrong_network: 400,
  bad_signature: 401,
  wrong_signer: 401,
  replayed_nonce: 401,
  stale_timestamp: 401,
  future_timestamp: 401,
};

export interface HttpServerDeps {
  router: Router;
  sessions: SessionServer;
  faults: Faults;
  adminToken: string;
  serverTime: () => number;
  logger: Logger;
}

/** One port for HTTP and the WebSocket upgrade on /v1/ws. */
export function createIoServer(d: HttpServerDeps): Server & { destroyHeld(): void } {
  const tokenHash = sha(d.adminToken);
  const authorised = (req: IncomingMessage) => {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    return m !== null && timingSafeEqual(sha(m[1]!), tokenHash);
  };

  const server = createServer((req, res) => void handle(req, res));
  const held = new Set<Duplex>();
  server.keepAliveTimeout = 30_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://devnet.local');
    const isAdmin = url.pathname.startsWith('/v1/admin/');
    // stop_answering: hold node requests open forever; the admin API stays usable to clear it.
    if (d.faults.silent && !isAdmin) {
      req.resume();
      return;
    }
    if (!isAdmin && hostileAnswer(d.faults.state, url, req, res)) return;
    try {
      const match = d.router.match(req.method ?? 'GET', url.pathname);
      if (match === undefined) throw new HttpError(404, 'not_found', `no endpoint ${url.pathname}`);
      if (match === 'method')
        throw new HttpError(
          405,
          'method_not_allowed',
          `${req.method} is not allowed on ${url.pathname}`,
        );
      if (match.route.admin && !authorised(req)) {
        throw new HttpError(
          401,
          'unauthorised',
          'admin endpoints need "Authorization: Bearer <admin token>" (printed when the devnet starts)',
        );
      }
      let body: Promise<unknown> | undefined;
      const out = await match.route.handler({
        req,
        res,
        url,
        params: match.params,
        body: () => (body ??= readBody(req, MAX_FRAME_BYTES).then(parseJsonBody)),
      });
      if (!res.headersSent && out !== undefined) {
        const text = JSON.stringify(out);
        res.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(text),
          'cache-control': 'no-store',
        });
        res.end(text);
      }
    } catch (err) {
      if (res.headersSent) return void res.destroy();
      if (err instanceof HttpError)
        return sendError(res, err.status, err.code, err.message, d.serverTime());
      if (err instanceof ProtocolError) {
        return sendError(
          res,
          PROTOCOL_STATUS[err.code] ?? 400,
          err.code,
          err.message,
          d.serverTime(),
        );
      }
      d.logger.error('devnet request failed', { path: url.pathname, error: String(err) });
      sendError(
        res,
        500,
        'internal',
        'the network could not handle this request: try again later',
        d.serverTime(),
      );
    }
  }

  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://devnet.local').pathname;
    if (path !== HttpPaths.ws) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (d.faults.silent) {
      // stop_answering: the connection is accepted but the upgrade is never answered.
      held.add(socket);
      socket.on('close', () => held.delete(socket));
      socket.on('error', () => {});
      return;
    }
    d.sessions.handleUpgrade(req, socket, head);
  });
  return Object.assign(server, {
    /** Ends the connections held open by stop_answering. */
    destroyHeld: () => {
      for (const s of held) s.destroy();
    },
  });
}

/** http_redirect / huge_answers: what a hostile or broken network answers instead. */
function hostileAnswer(
  f: FaultState,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  if (f.http_redirect) {
    req.resume();
    res.writeHead(307, { location: new URL(url.pathname, f.http_redirect.to).toString() });
    res.end();
    return true;
  }
  if (f.huge_answers) {
    req.resume();
    let left = f.huge_answers.bytes;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    res.writeHead(200, { 'content-type': 'application/json' });
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= part.length;
        if (!res.write(part)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
    return true;
  }
  return false;
}

function sha(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
