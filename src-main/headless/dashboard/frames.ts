import { z } from 'zod';
import type { ServerFrame } from '../../contract/ws-frames.js';

/** The first frame from the page. */
export const AuthFrameSchema = z.object({ auth: z.string().min(1).max(512) }).strict();

/** Every later frame: one command. The argument is validated per command by the service. */
export const CommandFrameSchema = z
  .object({
    id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    command: z.string().min(1).max(64),
    arg: z.unknown().optional(),
  })
  .strict();

/** Parses a text frame; null when it is not JSON. */
export function parseJsonFrame(data: unknown): unknown {
  const text =
    typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : null;
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function encodeFrame(frame: ServerFrame): string {
  return JSON.stringify(frame);
}
