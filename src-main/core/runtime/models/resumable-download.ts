import { mkdir, open, rename, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

export interface DownloadFileOptions {
  url: string;
  target: string;
  fetch: typeof fetch;
  signal?: AbortSignal;
  /** The size the config promises; a complete `.partial` of that size is not fetched again. */
  expectedSize?: number;
  /** Called with every chunk written (bytes), for progress. */
  onBytes?: (bytes: number) => void;
}

export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
  ) {
    super(`HTTP ${status} from ${url}`);
  }
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/**
 * Downloads into `<target>.partial`, resuming with an HTTP Range request from what is already
 * there, and renames it into place only once complete. A server that ignores Range (200) makes
 * us start over; one that answers 416 means the partial file already holds everything.
 */
export async function downloadResumable(o: DownloadFileOptions): Promise<void> {
  const partial = `${o.target}.partial`;
  await mkdir(path.dirname(o.target), { recursive: true });
  let have = await sizeOf(partial);
  if (o.expectedSize !== undefined && have > o.expectedSize) {
    await truncate(partial, 0);
    have = 0;
  }
  if (o.expectedSize !== undefined && have === o.expectedSize && have > 0) {
    await rename(partial, o.target);
    return;
  }
  const headers: Record<string, string> = { 'user-agent': 'resultity-node' };
  if (have > 0) headers.range = `bytes=${have}-`;
  const res = await o.fetch(o.url, { headers, signal: o.signal, redirect: 'follow' });
  if (res.status === 416 && have > 0) {
    await res.body?.cancel();
    if (o.expectedSize === undefined) {
      await rename(partial, o.target);
      return;
    }
    await truncate(partial, 0);
    return downloadResumable(o);
  }
  if (res.status !== 200 && res.status !== 206) {
    await res.body?.cancel();
    throw new HttpStatusError(res.status, o.url);
  }
  let append = res.status === 206;
  if (append) {
    const start = /bytes (\d+)-/.exec(res.headers.get('content-range') ?? '')?.[1];
    if (start !== undefined && Number(start) !== have) append = false;
  }
  if (!append && have > 0) o.onBytes?.(-have); // starting over: what we counted is gone
  const file = await open(partial, append ? 'a' : 'w');
  try {
    if (res.body) {
      for await (const chunk of Readable.fromWeb(res.body as NodeReadableStream<Uint8Array>)) {
        const buf = chunk as Buffer;
        await file.write(buf);
        o.onBytes?.(buf.byteLength);
      }
    }
  } finally {
    await file.close();
  }
  const size = await sizeOf(partial);
  if (o.expectedSize !== undefined && size !== o.expectedSize) {
    throw new Error(`${path.basename(o.target)}: got ${size} bytes, expected ${o.expectedSize}`);
  }
  await rename(partial, o.target);
}
