import type { IncomingMessage } from 'node:http';

/**
 * Reads a request's whole body as UTF-8 text. Past `limit` bytes it stops reading and rejects
 * with `tooLarge()`, so each server answers an oversized body in its own wire format.
 */
export function readLimitedBody(
  req: IncomingMessage,
  limit: number,
  tooLarge: () => Error,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(tooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
