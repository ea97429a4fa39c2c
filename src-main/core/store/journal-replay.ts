import fs from 'node:fs';

/** How much of the file one read takes: the most replay holds of the raw file at once. */
const CHUNK_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;

export interface ReplayedFile {
  /** Bytes up to and including the last newline: what later appends continue from. */
  completeBytes: number;
  /** The file's size as read (more than completeBytes when the last line is torn). */
  totalBytes: number;
}

/**
 * Calls `onLine` with each complete line of a JSON-lines file, read a chunk at a time: the
 * file is never held as one string (a 16 MiB journal read whole, split and parsed raised the
 * heap's peak by tens of MB, and V8 keeps the pages of a peak resident after it is freed).
 * A last line without its newline (a crash mid-write) is not passed on. Null when there is no
 * file.
 */
export function forEachLine(
  file: string,
  onLine: (line: string) => void,
  chunkBytes = CHUNK_BYTES,
): ReplayedFile | null {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const chunk = Buffer.allocUnsafe(chunkBytes);
    // A line longer than what is left of a chunk: its start, carried into the next read.
    let carry: Buffer[] = [];
    let total = 0;
    let complete = 0;
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunkBytes, total);
      if (n === 0) break;
      total += n;
      let start = 0;
      for (
        let nl = chunk.indexOf(NEWLINE, 0);
        nl !== -1 && nl < n;
        nl = chunk.indexOf(NEWLINE, start)
      ) {
        const line =
          carry.length === 0
            ? chunk.toString('utf8', start, nl)
            : Buffer.concat([...carry, chunk.subarray(start, nl)]).toString('utf8');
        carry = [];
        complete = total - n + nl + 1;
        start = nl + 1;
        onLine(line);
      }
      // Copied: the next read overwrites `chunk`.
      if (start < n) carry.push(Buffer.from(chunk.subarray(start, n)));
    }
    return { completeBytes: complete, totalBytes: total };
  } finally {
    fs.closeSync(fd);
  }
}
