import { createReadStream } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { LOCAL_LOG_FILE } from './local-log-file.js';

export interface LogFileSearchOptions {
  /** The logs folder holding node.log and its rotated node.log.1 … .N. */
  dir: string;
  /** Case-insensitive; matched literally (no pattern syntax). */
  text: string;
  /** Only lines stamped before this time (ms), e.g. older than what a dashboard holds. */
  before?: number;
  /** At most this many matches come back. Default 200. */
  maxMatches?: number;
  /** A longer matching line comes back cut to this many characters. Default 2,000. */
  maxLineChars?: number;
}

export interface LogFileMatch {
  /** The file's name in the logs folder (node.log, node.log.1, …). */
  file: string;
  /** The time at the start of the line, or null when it has none. */
  ts: number | null;
  line: string;
}

export interface LogFileSearchResult {
  /** Newest first. */
  matches: LogFileMatch[];
  /** True when more lines matched than came back. */
  truncated: boolean;
  /** The files read, newest first. */
  files: string[];
}

const ROTATED = new RegExp(`^${LOCAL_LOG_FILE.replace('.', '\\.')}(?:\\.(\\d+))?$`);

/** node.log first, then node.log.1, .2 … (each older than the one before). */
async function logFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .map((name) => ({ name, m: ROTATED.exec(name) }))
    .filter((f): f is { name: string; m: RegExpExecArray } => f.m !== null)
    .sort((a, b) => Number(a.m[1] ?? 0) - Number(b.m[1] ?? 0))
    .map((f) => f.name);
}

function lineTime(line: string): number | null {
  // logLine() starts every line with an ISO time (24 characters).
  const ts = Date.parse(line.slice(0, 24));
  return Number.isFinite(ts) ? ts : null;
}

/**
 * Searches the node's readable log files, newest first, for a literal text. Each file is read
 * as a stream, line by line (a full folder, 5 × 4 MiB, is never held in memory), keeping only
 * the last `maxMatches` matches of a file; older files are not read once enough matched.
 */
export async function searchLogFiles(o: LogFileSearchOptions): Promise<LogFileSearchResult> {
  const max = o.maxMatches ?? 200;
  const maxChars = o.maxLineChars ?? 2_000;
  const needle = o.text.trim().toLowerCase();
  const files = await logFiles(o.dir);
  const result: LogFileSearchResult = { matches: [], truncated: false, files: [] };
  if (needle === '' || max <= 0) return { ...result, files };
  for (const file of files) {
    if (result.matches.length >= max) {
      result.truncated = true;
      break;
    }
    result.files.push(file);
    const room = max - result.matches.length;
    const { kept, total } = await searchOneFile(path.join(o.dir, file), needle, room, o.before);
    for (let i = kept.length - 1; i >= 0; i--) {
      const line = kept[i]!;
      result.matches.push({
        file,
        ts: lineTime(line),
        line: line.length > maxChars ? `${line.slice(0, maxChars)}…` : line,
      });
    }
    if (total > kept.length) result.truncated = true;
  }
  return result;
}

/** The last `room` matching lines of one file (oldest first) and how many matched in all. */
async function searchOneFile(
  file: string,
  needle: string,
  room: number,
  before: number | undefined,
): Promise<{ kept: string[]; total: number }> {
  // A bounded ring: the file is read oldest first, the newest matches are the ones kept.
  const ring: string[] = new Array<string>(room);
  let total = 0;
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 64 * 1024 });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (!line.toLowerCase().includes(needle)) continue;
      if (before !== undefined) {
        const ts = lineTime(line);
        if (ts !== null && ts >= before) continue;
      }
      ring[total % room] = line;
      total++;
    }
  } catch (err) {
    // Rotated away while being read: what was read stands.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  } finally {
    lines.close();
    stream.destroy();
  }
  const n = Math.min(total, room);
  const kept: string[] = [];
  for (let i = total - n; i < total; i++) kept.push(ring[i % room]!);
  return { kept, total };
}
