import type { z } from 'zod';
import {
  ConfigDigestResponse,
  HeartbeatResponse,
  HttpMessageTypes,
  HttpPaths,
  LogBatchResponse,
  RegisterResponse,
  SignedSnapshot,
  TimeResponse,
  WireError,
  describeIssues,
  signEnvelope,
  type HeartbeatBody,
  type LogBatchBody,
  type MessageSigner,
  type RegisterBody,
  OwnerStatus,
  type AccountBindingWire,
} from '../protocol/index.js';
import {
  IoClockSkewError,
  IoError,
  IoInsecureUrlError,
  IoInvalidResponseError,
  IoRedirectError,
  IoResponseTooLargeError,
  IoNotRegisteredError,
  IoRateLimitedError,
  IoRegistrationRefusedError,
  IoRejectedError,
  IoTimeoutError,
  IoUnreachableError,
} from './errors.js';

export type FetchFn = typeof fetch;

export interface IoHttpClientOptions {
  /** Base URL of the IO service, e.g. "https://io.network.resultity.com". */
  baseUrl: string;
  signer: MessageSigner;
  clock: { now(): number };
  fetch?: FetchFn;
  /** Per-request timeout. Default 15 s. */
  timeoutMs?: number;
  /** Refuse a base URL that is not https:// (public networks). */
  requireHttps?: boolean;
  /** Every answer's `server_time`, with when its request was sent and answered (local clock). */
  onServerTime?: (serverTime: number, sentAt: number, receivedAt: number) => void;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** Largest answer read from each endpoint (docs/PROTOCOL.md, HTTP). */
export const ANSWER_CAPS = {
  register: 4 * MiB,
  snapshot: 4 * MiB,
  small: 64 * KiB,
} as const;

/** The HTTP calls the agent makes; an interface so the agent can be tested with fakes. */
export interface IoApi {
  register(body: RegisterBody): Promise<RegisterResponse>;
  heartbeat(body: HeartbeatBody): Promise<HeartbeatResponse>;
  uploadLogs(body: LogBatchBody): Promise<z.infer<typeof LogBatchResponse>>;
  configDigest(): Promise<ConfigDigestResponse>;
  /** The signed snapshot as served; the caller verifies it against the pinned signer. */
  snapshot(digest?: string): Promise<SignedSnapshot>;
  time(): Promise<{ server_time: number }>;
}

const SKEW_CODES = new Set(['stale_timestamp', 'future_timestamp']);

/** Signed HTTP calls to the IO service; every answer is validated, every failure typed. */
export class IoHttpClient implements IoApi {
  private readonly fetchFn: FetchFn;
  private readonly timeoutMs: number;
  private readonly baseUrl: string;

  constructor(private readonly opts: IoHttpClientOptions) {
    this.fetchFn = opts.fetch ?? fetch;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    if (opts.requireHttps && !/^https:\/\//i.test(this.baseUrl)) {
      throw new IoInsecureUrlError(this.baseUrl);
    }
  }

  register(body: RegisterBody): Promise<RegisterResponse> {
    return this.post(
      HttpPaths.register,
      HttpMessageTypes.register,
      body,
      RegisterResponse,
      ANSWER_CAPS.register,
    );
  }

  heartbeat(body: HeartbeatBody): Promise<HeartbeatResponse> {
    return this.post(
      HttpPaths.heartbeat,
      HttpMessageTypes.heartbeat,
      body,
      HeartbeatResponse,
      ANSWER_CAPS.small,
    );
  }

  uploadLogs(body: LogBatchBody): Promise<z.infer<typeof LogBatchResponse>> {
    return this.post(
      HttpPaths.logs,
      HttpMessageTypes.logs,
      body,
      LogBatchResponse,
      ANSWER_CAPS.small,
    );
  }

  /** Sends an owner claim (docs/PROTOCOL.md, Account binding); needs a registered node. */
  bindOwner(owner: AccountBindingWire): Promise<OwnerStatus> {
    return this.post(
      HttpPaths.owner,
      HttpMessageTypes.owner,
      { owner },
      OwnerStatus,
      ANSWER_CAPS.small,
    );
  }

  configDigest(): Promise<ConfigDigestResponse> {
    return this.get(HttpPaths.configDigest, ConfigDigestResponse, ANSWER_CAPS.small);
  }

  snapshot(digest?: string): Promise<SignedSnapshot> {
    const query = digest ? `?digest=${encodeURIComponent(digest)}` : '';
    return this.get(`${HttpPaths.configSnapshot}${query}`, SignedSnapshot, ANSWER_CAPS.snapshot);
  }

  time(): Promise<{ server_time: number }> {
    return this.get(HttpPaths.time, TimeResponse, ANSWER_CAPS.small);
  }

  /** Local clock minus network clock, in ms (positive: this machine is ahead). */
  async clockOffset(): Promise<number> {
    const sent = this.opts.clock.now();
    const { server_time } = await this.time();
    const received = this.opts.clock.now();
    return Math.round((sent + received) / 2 - server_time);
  }

  private post<S extends z.ZodType>(
    path: string,
    type: string,
    body: unknown,
    schema: S,
    capBytes: number,
  ): Promise<z.infer<S>> {
    const envelope = signEnvelope(this.opts.signer, type, body, this.opts.clock);
    return this.request(path, schema, capBytes, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope),
    });
  }

  private get<S extends z.ZodType>(path: string, schema: S, capBytes: number): Promise<z.infer<S>> {
    return this.request(path, schema, capBytes, { method: 'GET' });
  }

  private async request<S extends z.ZodType>(
    path: string,
    schema: S,
    capBytes: number,
    init: RequestInit,
  ): Promise<z.infer<S>> {
    const url = `${this.baseUrl}${path}`;
    const sentAt = this.opts.clock.now();
    let response: Response;
    let text: string;
    try {
      response = await this.fetchFn(url, {
        ...init,
        // Never follow: a 307 would re-send the signed body to wherever the answer points.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (isRedirect(response)) {
        await response.body?.cancel().catch(() => undefined);
        throw new IoRedirectError(url, response.status, response.headers.get('location'));
      }
      text = await readCapped(response, capBytes, url);
    } catch (err) {
      if (err instanceof IoError) throw err;
      throw this.transportError(url, err);
    }
    const json = parseMaybeJson(text);
    if (!response.ok) throw await this.wireError(response, json, path);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new IoInvalidResponseError(path, describeIssues(parsed.error));
    }
    const serverTime = (parsed.data as { server_time?: unknown }).server_time;
    if (typeof serverTime === 'number') {
      this.opts.onServerTime?.(serverTime, sentAt, this.opts.clock.now());
    }
    return parsed.data;
  }

  private transportError(url: string, err: unknown): Error {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e?.name === 'TimeoutError') return new IoTimeoutError(url, this.timeoutMs);
    const detail = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
    return new IoUnreachableError(url, detail, { cause: err });
  }

  private async wireError(response: Response, json: unknown, path: string): Promise<Error> {
    const wire = WireError.safeParse(json);
    if (!wire.success) {
      return new IoRejectedError(
        response.status,
        `http_${response.status}`,
        `${path} answered HTTP ${response.status} ${response.statusText}`.trim(),
      );
    }
    const { code, message } = wire.data.error;
    if (code === 'not_registered') return new IoNotRegisteredError(message);
    if (code === 'registration_refused') return new IoRegistrationRefusedError(message);
    if (code === 'rate_limited' || response.status === 429) {
      const header = response.headers.get('retry-after');
      const seconds = header === null ? NaN : Number(header);
      return new IoRateLimitedError(Number.isFinite(seconds) ? seconds * 1000 : null);
    }
    if (SKEW_CODES.has(code)) {
      // Tell a skewed clock apart from a bad signature: ask the network for its time.
      const offset = await this.clockOffset().catch(() => null);
      return new IoClockSkewError(offset);
    }
    return new IoRejectedError(response.status, code, message);
  }
}

function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
}

/** The body as text, read as a stream and refused past `capBytes` (memory stays bounded). */
async function readCapped(response: Response, capBytes: number, url: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > capBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new IoResponseTooLargeError(url, capBytes);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > capBytes) {
      await reader.cancel().catch(() => undefined);
      throw new IoResponseTooLargeError(url, capBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
