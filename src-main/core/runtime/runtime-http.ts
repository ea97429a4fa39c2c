import http from 'node:http';
import https from 'node:https';
import { RuntimeError } from './runtime.js';

/**
 * A free keep-alive socket is closed after this long unused, before the runtime's own idle
 * limit closes it under a request (uvicorn and so vLLM: 5 s). A server that announces a
 * shorter `Keep-Alive: timeout=` is honoured a second early by Node's agent.
 */
const FREE_SOCKET_TIMEOUT_MS = 4_000;
/** Idle connections kept for reuse: a burst of streams leaves this many open for the next. */
const MAX_FREE_SOCKETS = 256;

export interface RuntimeHttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface RuntimeHttpExchange {
  req: http.ClientRequest;
  res: http.IncomingMessage;
}

/**
 * HTTP/1.1 to one runtime (`http:` or `https:` by its base URL) over one keep-alive agent:
 * streams open as many connections as they need (no cap), and health checks, metrics reads and
 * later streams reuse idle ones instead of opening a connection each time.
 */
export class RuntimeHttp {
  readonly agent: http.Agent;
  private readonly transport: typeof http | typeof https;
  private readonly target: { protocol: string; hostname: string; port: string };
  private readonly pathPrefix: string;
  /** Why the base URL cannot be used; every request fails with it. */
  private readonly unusable: string | null = null;

  constructor(baseUrl: string) {
    const url = URL.canParse(baseUrl) ? new URL(baseUrl) : null;
    if (url?.protocol !== 'http:' && url?.protocol !== 'https:')
      this.unusable = `The runtime address "${baseUrl}" is not an http:// or https:// URL; give it as http://host:port.`;
    this.transport = url?.protocol === 'https:' ? https : http;
    this.agent = new this.transport.Agent({
      keepAlive: true,
      maxFreeSockets: MAX_FREE_SOCKETS,
      scheduling: 'lifo',
      timeout: FREE_SOCKET_TIMEOUT_MS,
    });
    // URL keeps IPv6 literals in brackets; the socket wants the bare address.
    const hostname = (url?.hostname ?? '').replace(/^\[(.*)\]$/, '$1');
    this.target = { protocol: url?.protocol ?? 'http:', hostname, port: url?.port ?? '' };
    this.pathPrefix = (url?.pathname ?? '').replace(/\/+$/, '');
  }

  /**
   * Sends the request and resolves with its response head (the body is the caller's to read
   * or discard). A reused idle socket the server closed meanwhile fails before any answer;
   * such a request never reached the runtime, so it is sent once more (on another connection:
   * the broken one is gone from the pool).
   */
  async send(request: RuntimeHttpRequest, signal?: AbortSignal): Promise<RuntimeHttpExchange> {
    if (this.unusable !== null) throw new RuntimeError(this.unusable, 'failed');
    try {
      return await this.sendOnce(request, signal);
    } catch (err) {
      if (!(err as StaleSocketError).staleSocket) throw err;
      return this.sendOnce(request, signal);
    }
  }

  private sendOnce(
    request: RuntimeHttpRequest,
    signal: AbortSignal | undefined,
  ): Promise<RuntimeHttpExchange> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...request.headers };
      if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
      const req = this.transport.request({
        ...this.target,
        agent: this.agent,
        method: request.method,
        path: this.pathPrefix + request.path,
        headers,
        ...(signal ? { signal } : {}),
      });
      const onError = (err: Error) => {
        if (req.reusedSocket && isResetBeforeAnswer(err))
          (err as StaleSocketError).staleSocket = true;
        reject(err);
      };
      // Stays on for the exchange's life: a socket error after the answer began is emitted on
      // the request too (the caller sees it as the response closing unfinished).
      req.on('error', onError);
      req.once('response', (res) => resolve({ req, res }));
      req.end(request.body);
    });
  }
}

type StaleSocketError = Error & { staleSocket?: boolean };

function isResetBeforeAnswer(err: Error): boolean {
  const code = (err as { code?: string }).code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

/** Reads a whole response body as UTF-8 text. */
export function readText(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (s: string) => {
      text += s;
    });
    res.once('end', () => resolve(text));
    res.once('error', reject);
    res.once('close', () => {
      if (!res.complete) reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    });
  });
}
