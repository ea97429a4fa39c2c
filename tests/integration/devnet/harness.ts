import { startDevnet, type Devnet, type DevnetOptions } from '../../../src-main/devnet/index.js';
import type { Json } from './node-client.js';

/** Starts a devnet for one test file, with an admin client bound to it. */
export async function startTestDevnet(o: DevnetOptions = {}): Promise<Devnet & { admin: Admin }> {
  const devnet = await startDevnet({ sweepIntervalMs: 10, ...o });
  return Object.assign(devnet, { admin: new Admin(devnet.url, devnet.adminToken) });
}

export class Admin {
  constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  async call(
    method: string,
    path: string,
    body?: unknown,
    token = this.token,
  ): Promise<{ status: number; json: Json }> {
    const res = await fetch(this.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  }

  async get(path: string): Promise<Json> {
    const r = await this.call('GET', path);
    if (r.status !== 200) throw new Error(`GET ${path} → ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  }

  async post(path: string, body: unknown = {}): Promise<Json> {
    const r = await this.call('POST', path, body);
    if (r.status !== 200) throw new Error(`POST ${path} → ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  }

  stats(): Promise<Json> {
    return this.get('/v1/admin/stats');
  }

  job(id: string): Promise<Json> {
    return this.get(`/v1/admin/jobs/${id}`);
  }
}

/** Short timeouts for fault tests, as a snapshot merge patch. */
export function fastTimeouts(
  o: { accept?: number; exec?: number; window?: number } = {},
): Record<string, unknown> {
  return {
    jobs: { accept_timeout_ms: o.accept ?? 300, execution_timeout_ms: o.exec ?? 2000 },
    ttl: { heartbeat_window_ms: o.window ?? 30_000 },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
