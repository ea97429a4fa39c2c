import { mkdtemp, readFile, readdir, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  FileExistsError,
  JsonFileError,
  readJsonFile,
  writeFileAtomic,
} from '../../../src-main/core/store/atomic-file.js';

const posix = process.platform !== 'win32';
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'atomic-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('writes the content with the requested mode and leaves no temp file', async () => {
    const target = join(dir, 'a.json');
    await writeFileAtomic(target, '{"a":1}', { mode: 0o600 });
    expect(await readFile(target, 'utf8')).toBe('{"a":1}');
    if (posix) expect((await stat(target)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('applies the mode exactly when replacing a file with other permissions', async () => {
    const target = join(dir, 'b.txt');
    await writeFile(target, 'old', { mode: 0o644 });
    await writeFileAtomic(target, 'new', { mode: 0o600 });
    expect(await readFile(target, 'utf8')).toBe('new');
    if (posix) expect((await stat(target)).mode & 0o777).toBe(0o600);
  });

  it('never lets a concurrent reader see a half-written file', async () => {
    const target = join(dir, 'big.bin');
    // Each payload is 4 MiB of one repeated byte: a partial or mixed read is easy to detect.
    const payloads = [0x41, 0x42, 0x43, 0x44].map((b) => Buffer.alloc(4 * 1024 * 1024, b));
    await writeFileAtomic(target, payloads[0]!);
    let reading = true;
    let reads = 0;
    const reader = (async () => {
      while (reading) {
        const got = await readFile(target);
        reads++;
        expect(got.length).toBe(4 * 1024 * 1024);
        expect(got.every((byte) => byte === got[0])).toBe(true);
      }
    })();
    for (let round = 0; round < 3; round++) {
      await Promise.all(payloads.map((p) => writeFileAtomic(target, p)));
    }
    reading = false;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect(await readdir(dir)).toEqual(['big.bin']);
  });

  it('removes its temp file and leaves the target alone when the final rename fails', async () => {
    const target = join(dir, 'occupied');
    await mkdir(target);
    await writeFile(join(target, 'inside.txt'), 'keep');
    await expect(writeFileAtomic(target, 'data')).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['occupied']);
    expect(await readFile(join(target, 'inside.txt'), 'utf8')).toBe('keep');
  });

  it('exclusive mode creates a missing file and refuses to replace an existing one', async () => {
    const target = join(dir, 'secret');
    await writeFileAtomic(target, 'first', { exclusive: true });
    await expect(writeFileAtomic(target, 'second', { exclusive: true })).rejects.toBeInstanceOf(
      FileExistsError,
    );
    expect(await readFile(target, 'utf8')).toBe('first');
    expect(await readdir(dir)).toEqual(['secret']);
  });

  it('exclusive writes racing for one path: exactly one wins, its content is intact', async () => {
    const target = join(dir, 'race');
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        writeFileAtomic(target, `writer-${i}`, { exclusive: true }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(FileExistsError);
    }
    expect(await readFile(target, 'utf8')).toMatch(/^writer-\d$/);
    expect(await readdir(dir)).toEqual(['race']);
  });
});

describe('readJsonFile', () => {
  const Schema = z.object({ name: z.string(), count: z.number().int() });

  it('returns the typed value', async () => {
    const file = join(dir, 'ok.json');
    await writeFile(file, JSON.stringify({ name: 'x', count: 2 }));
    const value = await readJsonFile(file, Schema);
    expect(value).toEqual({ name: 'x', count: 2 });
  });

  it.each([
    ['missing', undefined, 'does not exist'],
    ['syntax', '{"name": "x", "cou', 'not valid JSON'],
    ['schema', '{"name": "x", "count": "two"}', 'count'],
  ] as const)('reports a %s file with a message naming the file', async (problem, body, text) => {
    const file = join(dir, 'f.json');
    if (body !== undefined) await writeFile(file, body);
    const err = await readJsonFile(file, Schema).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JsonFileError);
    expect((err as JsonFileError).problem).toBe(problem);
    expect((err as JsonFileError).message).toContain(file);
    expect((err as JsonFileError).message).toContain(text);
  });
});
