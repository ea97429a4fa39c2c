import { mkdir, open, rename, rm, stat, truncate } from 'node:fs/promises';
import path from 'node:path';

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

/** The server sent more than the configuration promised: nothing of it is kept. */
export class OversizeError extends Error {
  override readonly name = 'OversizeError';
  constructor(
    readonly file: string,
    readonly expected: number,
  ) {
    super(
      `${file}: the server sent more than the expected ${expected} bytes; the download was stopped and discarded`,
    );
  }
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
  let size = append ? have : 0;
  const limit = o.expectedSize;
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (limit !== undefined && Number.isFinite(declared) && size + declared > limit) {
    await res.body?.cancel();
    if (size > 0) o.onBytes?.(-size);
    return discard(partial, new OversizeError(path.basename(o.target), limit));
  }
  const file = await open(partial, append ? 'a' : 'w');
  let oversize = false;
  try {
    const reader = res.body?.getReader();
    for (;;) {
      const chunk = reader ? await reader.read() : { done: true as const };
      if (chunk.done) break;
      // Stop reading as soon as the body passes the promised size: never write past it.
      if (limit !== undefined && size + chunk.value.byteLength > limit) {
        oversize = true;
        await reader?.cancel().catch(() => undefined);
        break;
      }
      await file.write(chunk.value);
      size += chunk.value.byteLength;
      o.onBytes?.(chunk.value.byteLength);
    }
  } finally {
    await file.close();
  }
  if (oversize) {
    if (size > 0) o.onBytes?.(-size); // what we counted is gone
    return discard(partial, new OversizeError(path.basename(o.target), limit!));
  }
  if (o.expectedSize !== undefined && size !== o.expectedSize) {
    throw new Error(`${path.basename(o.target)}: got ${size} bytes, expected ${o.expectedSize}`);
  }
  await rename(partial, o.target);
}

/** Removes the partial file (a server that sends too much is not trusted to resume) and throws. */
async function discard(partial: string, err: Error): Promise<never> {
  await rm(partial, { force: true });
  throw err;
}
