/**
 * Docker multiplexes stdout and stderr of a container without a TTY into frames: an 8-byte
 * header (stream id, 3 zero bytes, big-endian length) then the payload. These helpers demux it.
 */
export type StreamName = 'stdout' | 'stderr';

/** Demuxes a complete buffer (logs with follow=false); plain text is passed through. */
export function demuxToText(raw: Buffer | string): string {
  if (typeof raw === 'string') return raw;
  let out = '';
  const parser = new FrameParser((_s, text) => (out += text));
  if (!parser.looksFramed(raw)) return raw.toString('utf8');
  parser.push(raw);
  return out;
}

/** Splits a followed log stream into lines per stream; `flush()` emits a last partial line. */
export class LogLineSplitter {
  #parser: FrameParser;
  #partial: Record<StreamName, string> = { stdout: '', stderr: '' };
  #framed: boolean | null = null;
  #head: Buffer = Buffer.alloc(0);

  constructor(private readonly onLine: (line: string, stream: StreamName) => void) {
    this.#parser = new FrameParser((s, text) => this.#text(s, text));
  }

  push(chunk: Buffer): void {
    if (this.#framed === null) {
      // Decide on the first 8 bytes, however the stream happened to cut them.
      this.#head = this.#head.length ? Buffer.concat([this.#head, chunk]) : chunk;
      if (this.#head.length < 8) return;
      chunk = this.#head;
      this.#head = Buffer.alloc(0);
      this.#framed = this.#parser.looksFramed(chunk);
    }
    if (this.#framed) this.#parser.push(chunk);
    else this.#text('stdout', chunk.toString('utf8'));
  }

  flush(): void {
    if (this.#head.length) this.#text('stdout', this.#head.toString('utf8'));
    this.#head = Buffer.alloc(0);
    for (const s of ['stdout', 'stderr'] as const) {
      if (this.#partial[s]) this.onLine(this.#partial[s], s);
      this.#partial[s] = '';
    }
  }

  #text(stream: StreamName, text: string): void {
    const parts = (this.#partial[stream] + text).split('\n');
    this.#partial[stream] = parts.pop() ?? '';
    for (const line of parts) this.onLine(line.replace(/\r$/, ''), stream);
  }
}

class FrameParser {
  #buf: Buffer = Buffer.alloc(0);
  constructor(private readonly emit: (stream: StreamName, text: string) => void) {}

  looksFramed(chunk: Buffer): boolean {
    return (
      chunk.length >= 8 && chunk[0]! <= 2 && chunk[1] === 0 && chunk[2] === 0 && chunk[3] === 0
    );
  }

  push(chunk: Buffer): void {
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk;
    while (this.#buf.length >= 8) {
      const size = this.#buf.readUInt32BE(4);
      if (this.#buf.length < 8 + size) break;
      const stream: StreamName = this.#buf[0] === 2 ? 'stderr' : 'stdout';
      this.emit(stream, this.#buf.subarray(8, 8 + size).toString('utf8'));
      this.#buf = this.#buf.subarray(8 + size);
    }
  }
}
