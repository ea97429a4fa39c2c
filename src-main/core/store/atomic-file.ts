import { randomBytes } from 'node:crypto';
import { open, readFile, rename, link, unlink, lstat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { z } from 'zod';

export interface WriteFileAtomicOptions {
  /** File mode of the written file (applied exactly, regardless of umask). Default 0o600. */
  mode?: number;
  /**
   * Refuse to replace an existing file: the write fails with `FileExistsError` and the existing
   * file is left untouched. Used for files that must never be clobbered (keys, secrets).
   */
  exclusive?: boolean;
}

/** Thrown by an exclusive write when the target already exists. */
export class FileExistsError extends Error {
  override readonly name = 'FileExistsError';
  constructor(readonly path: string) {
    super(`Did not write ${path}: the file already exists and was left as it is.`);
  }
}

function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

export function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}

/** fsync a directory so a rename inside it survives a power cut. Not possible on Windows. */
async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort: some platforms and filesystems cannot open or fsync a directory.
  }
}

/** Moves the finished temp file into place without ever replacing an existing target. */
async function linkIntoPlace(temp: string, target: string): Promise<void> {
  try {
    await link(temp, target);
  } catch (err) {
    if (isErrno(err, 'EEXIST')) throw new FileExistsError(target);
    // Filesystems without hard links: fall back to check-then-rename (a small race window).
    if (await exists(target)) throw new FileExistsError(target);
    await rename(temp, target);
    return;
  }
  await unlink(temp);
}

/**
 * Writes a file so that readers only ever see the old content or the complete new content:
 * write a temp file in the same folder, fsync it, rename (or link, if exclusive) it over the
 * target, then fsync the folder. The temp file is removed on every failure path.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const mode = options.mode ?? 0o600;
  if (options.exclusive && (await exists(path))) throw new FileExistsError(path);
  const temp = tempPathFor(path);
  let tempCreated = false;
  try {
    const handle = await open(temp, 'wx', mode);
    tempCreated = true;
    try {
      await handle.chmod(mode);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.exclusive) await linkIntoPlace(temp, path);
    else await rename(temp, path);
    tempCreated = false;
  } finally {
    if (tempCreated) await unlink(temp).catch(() => undefined);
  }
  await syncDir(dirname(path));
}

export type JsonFileProblem = 'missing' | 'unreadable' | 'syntax' | 'schema';

/** A JSON file could not be used. The message names the file and the reason. */
export class JsonFileError extends Error {
  override readonly name = 'JsonFileError';
  constructor(
    readonly path: string,
    readonly problem: JsonFileProblem,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${detail}`, options);
  }
}

/** One line per zod issue, e.g. `crypto.mac: Invalid string`. */
export function describeZodIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.map(String).join('.');
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** Reads and validates a JSON file. Throws `JsonFileError` naming the file on any problem. */
export async function readJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) {
      throw new JsonFileError(path, 'missing', 'the file does not exist.', { cause: err });
    }
    const reason = err instanceof Error ? err.message : String(err);
    throw new JsonFileError(path, 'unreadable', `the file cannot be read (${reason}).`, {
      cause: err,
    });
  }
  return parseJsonText(path, text, schema);
}

/** Validates JSON text that was read from `path` (for callers that need the raw bytes too). */
export function parseJsonText<S extends z.ZodType>(
  path: string,
  text: string,
  schema: S,
): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new JsonFileError(path, 'syntax', `the file is not valid JSON (${reason}).`, {
      cause: err,
    });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new JsonFileError(
      path,
      'schema',
      `the file does not have the expected content (${describeZodIssues(parsed.error)}).`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}
