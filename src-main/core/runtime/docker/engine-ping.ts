import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { DockerEndpoint } from './engine-endpoint.js';

export type PingResult =
  | { ok: true }
  /** `code` is the errno (ENOENT, EACCES, ECONNREFUSED…), 'TIMEOUT', or 'HTTP_<status>'. */
  | { ok: false; code: string; message: string };

/** GETs a path from the engine; injected so discovery is tested without engines. */
export interface EngineProbe {
  ping(endpoint: DockerEndpoint, timeoutMs: number): Promise<PingResult>;
  /** The engine's /version document, or null when it cannot be read. */
  version(endpoint: DockerEndpoint, timeoutMs: number): Promise<unknown>;
}

export const httpEngineProbe: EngineProbe = {
  ping: async (endpoint, timeoutMs) => {
    const r = await get(endpoint, '/_ping', timeoutMs);
    if ('error' in r) return { ok: false, code: r.error.code, message: r.error.message };
    if (r.status === 200) return { ok: true };
    return { ok: false, code: `HTTP_${r.status}`, message: `/_ping answered HTTP ${r.status}` };
  },
  version: async (endpoint, timeoutMs) => {
    const r = await get(endpoint, '/version', timeoutMs);
    if ('error' in r || r.status !== 200) return null;
    try {
      return JSON.parse(r.body);
    } catch {
      return null;
    }
  },
};

type GetResult = { status: number; body: string } | { error: { code: string; message: string } };

function get(endpoint: DockerEndpoint, path: string, timeoutMs: number): Promise<GetResult> {
  return new Promise((resolve) => {
    if (endpoint.kind === 'unsupported') {
      resolve({ error: { code: 'UNSUPPORTED', message: `cannot dial ${endpoint.url}` } });
      return;
    }
    let settled = false;
    const done = (r: GetResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const options: https.RequestOptions = { path, method: 'GET', headers: { host: 'docker' } };
    let mod: typeof http | typeof https = http;
    if (endpoint.kind === 'socket') options.socketPath = endpoint.path;
    else {
      options.host = endpoint.host;
      options.port = endpoint.port;
      if (endpoint.tls) {
        mod = https;
        const read = (f: string | null) => (f ? readFileSync(f) : undefined);
        try {
          options.ca = read(endpoint.tls.ca);
          options.cert = read(endpoint.tls.cert);
          options.key = read(endpoint.tls.key);
        } catch (err) {
          done({ error: { code: 'TLS_FILES', message: String(err) } });
          return;
        }
        options.rejectUnauthorized = endpoint.tls.verify;
      }
    }
    const req = mod.request(options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < 1_000_000) body += c;
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
      res.on('error', (err) => done({ error: { code: 'EIO', message: err.message } }));
    });
    // A hung socket (a frozen VM) must not stall discovery.
    const timer = setTimeout(() => {
      req.destroy();
      done({ error: { code: 'TIMEOUT', message: `no answer within ${timeoutMs} ms` } });
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) =>
      done({ error: { code: err.code ?? 'EIO', message: err.message } }),
    );
    req.end();
  });
}
