import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  downloadResumable,
  OversizeError,
} from '../../../src-main/core/runtime/models/resumable-download.js';

const EXPECTED = 1024 * 1024;
const CHUNK = randomBytes(64 * 1024);

/** A server that sends more than the configuration promised, in the ways a bad one could. */
interface Flood {
  url: string;
  /** Body bytes the server managed to write, and whether the client hung up. */
  sent: number;
  closed: Promise<void>;
  close(): Promise<void>;
}

async function startFlood(): Promise<Flood> {
  let markClosed = () => {};
  const state = {
    sent: 0,
    closed: new Promise<void>((r) => (markClosed = r)),
  };
  const server = http.createServer((req, res) => {
    if (req.url === '/declared-too-big') {
      res.writeHead(200, { 'content-length': EXPECTED + 1 });
      res.end(Buffer.alloc(EXPECTED + 1));
      return;
    }
    if (req.url === '/one-byte-more') {
      res.writeHead(200);
      res.end(Buffer.alloc(EXPECTED + 1)); // chunked: no length announced
      return;
    }
    // Endless, chunked: only the client can stop it.
    res.writeHead(200);
    res.on('close', markClosed);
    const pump = () => {
      while (!res.destroyed && res.write(CHUNK)) state.sent += CHUNK.length;
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  }) as Flood;
}

describe('downloadResumable stops at the expected size', () => {
  let flood: Flood;
  let dir: string;
  beforeAll(async () => {
    flood = await startFlood();
  });
  afterAll(() => flood.close());
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rn-oversize-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const download = (name: string, counted: number[]) =>
    downloadResumable({
      url: `${flood.url}/${name}`,
      target: path.join(dir, 'model.safetensors'),
      fetch,
      expectedSize: EXPECTED,
      onBytes: (b) => counted.push(b),
    });

  it('aborts an endless body once it passes the size, keeps nothing and never writes past it', async () => {
    const counted: number[] = [];
    await expect(download('endless', counted)).rejects.toThrow(OversizeError);
    await expect(download('endless', [])).rejects.toThrow(
      /model\.safetensors: the server sent more than the expected 1048576 bytes; the download was stopped and discarded/,
    );
    // The server saw the connection closed: the client stopped reading.
    await flood.closed;
    expect(await readdir(dir)).toEqual([]);
    // Progress never went past the size, and what was counted was taken back.
    let total = 0;
    let peak = 0;
    for (const b of counted) peak = Math.max(peak, (total += b));
    expect(peak).toBeLessThanOrEqual(EXPECTED);
    expect(total).toBe(0);
  });

  it('refuses a body one byte too long, and one whose Content-Length is too long before reading it', async () => {
    await expect(download('one-byte-more', [])).rejects.toThrow(OversizeError);
    expect(existsSync(path.join(dir, 'model.safetensors.partial'))).toBe(false);
    const counted: number[] = [];
    await expect(download('declared-too-big', counted)).rejects.toThrow(OversizeError);
    expect(counted).toEqual([]); // nothing was read
    expect(await readdir(dir)).toEqual([]);
  });

  it('discards a resumed partial file too when the rest is too long', async () => {
    await writeFile(path.join(dir, 'model.safetensors.partial'), Buffer.alloc(1000));
    // The flood ignores Range (200): the node starts over, then stops at the size.
    await expect(download('endless', [])).rejects.toThrow(OversizeError);
    expect(await readdir(dir)).toEqual([]);
  });
});
