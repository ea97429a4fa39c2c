import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readLimitedBody } from '../read-body.js';

// uvicorn, which serves vLLM, names itself in every response.
const BASE_HEADERS = { server: 'uvicorn' };

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const data = JSON.stringify(body);
  res.writeHead(status, {
    ...BASE_HEADERS,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(data),
  });
  res.end(data);
}

export function sendText(res: ServerResponse, status: number, body: string, type: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    ...BASE_HEADERS,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** An empty body, as vLLM sends for /health and for requests hitting a dead engine. */
export function sendEmpty(res: ServerResponse, status: number): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...BASE_HEADERS, 'content-length': 0 });
  res.end();
}

export function startEventStream(res: ServerResponse): void {
  res.writeHead(200, { ...BASE_HEADERS, 'content-type': 'text/event-stream; charset=utf-8' });
  // uvicorn sends the status line at once, even while the request waits for a batch slot.
  res.flushHeaders();
}

export class BodyTooLargeError extends Error {}

export function readBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  return readLimitedBody(
    req,
    limitBytes,
    () => new BodyTooLargeError(`request body is larger than ${limitBytes} bytes`),
  );
}

/** Constant-time check of an `Authorization: Bearer <token>` header. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(header), digest(`Bearer ${token}`));
}
