import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { describeIssues } from '../../core/protocol/parse.js';
import { readLimitedBody } from '../read-body.js';

/** An HTTP failure with the protocol's error body `{error:{code,message,server_time}}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads the whole body as text, refusing more than `limit` bytes with 413. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return readLimitedBody(
    req,
    limit,
    () => new HttpError(413, 'malformed', `request body exceeds ${limit} bytes`),
  );
}

export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'malformed', 'the request body is not valid JSON');
  }
}

/** Validates an admin request body with zod; a clear 400 names the first problems. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, 'invalid_request', describeIssues(r.error));
  return r.data;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  serverTime: number,
): void {
  sendJson(res, status, { error: { code, message, server_time: serverTime } });
}
