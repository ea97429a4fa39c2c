/**
 * Incremental Server-Sent Events parser (the WHATWG event-stream rules that matter for
 * OpenAI-style streams), working on bytes: it finds line ends in the Buffers as they arrive and
 * decodes only complete lines, so a token costs no TextDecoder call and no string buffer. Bytes
 * may arrive split anywhere — inside a UTF-8 character, between `\r` and `\n`, inside a field
 * name — and a split line waits, as bytes, for its end (a line end is never inside a UTF-8
 * character, so a complete line always decodes whole).
 */
export interface SseEvent {
  event: string;
  data: string;
  id: string | null;
}

/** Receives each event's fields; no event object is built for it. */
export type SseDataHandler = (data: string, event: string, id: string | null) => void;

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;

/** The byte-level parser: calls `onData` once per dispatched event. */
export class SseDecoder {
  /** The start of a line whose end has not arrived yet (a copy: chunks are not ours to keep). */
  private partial: Buffer | null = null;
  /** A chunk ended in `\r`: a `\n` at the start of the next one belongs to the same line end. */
  private pendingCr = false;
  private atStart = true;
  /** The event's data so far (its lines joined by `\n`), or null when it has no data field. */
  private data: string | null = null;
  private eventType = '';
  private lastId: string | null = null;

  constructor(private readonly onData: SseDataHandler) {}

  push(chunk: Uint8Array | string): void {
    const buf = toBuffer(chunk);
    const len = buf.length;
    let start = 0;
    if (len === 0) return;
    if (this.pendingCr) {
      this.pendingCr = false;
      if (buf[0] === LF) start = 1;
    }
    // Both searches run in native code; a stream that never sends `\r` searches for it once.
    let lf = buf.indexOf(LF, start);
    let cr = buf.indexOf(CR, start);
    while (start < len) {
      if (lf !== -1 && lf < start) lf = buf.indexOf(LF, start);
      if (cr !== -1 && cr < start) cr = buf.indexOf(CR, start);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) {
        this.keep(buf, start);
        return;
      }
      this.completeLine(buf, start, end);
      start = end + 1;
      if (end === cr) {
        if (start === len) this.pendingCr = true;
        else if (buf[start] === LF) start++;
      }
    }
  }

  /** Call at end of stream: a final event without its blank line is still dispatched. */
  end(): void {
    const rest = this.partial;
    this.partial = null;
    this.pendingCr = false;
    if (rest !== null && rest.length > 0) this.line(rest, 0, rest.length);
    this.dispatch();
  }

  private keep(buf: Buffer, start: number): void {
    const tail = buf.subarray(start);
    this.partial = this.partial === null ? Buffer.from(tail) : Buffer.concat([this.partial, tail]);
  }

  private completeLine(buf: Buffer, start: number, end: number): void {
    if (this.partial === null) return this.line(buf, start, end);
    const whole = Buffer.concat([this.partial, buf.subarray(start, end)]);
    this.partial = null;
    this.line(whole, 0, whole.length);
  }

  private line(buf: Buffer, start: number, end: number): void {
    if (this.atStart) {
      this.atStart = false;
      // A UTF-8 byte order mark may open the stream (as TextDecoder would drop it).
      if (
        end - start >= 3 &&
        buf[start] === 0xef &&
        buf[start + 1] === 0xbb &&
        buf[start + 2] === 0xbf
      )
        start += 3;
    }
    if (start === end) return this.dispatch();
    const first = buf[start];
    if (first === COLON) return; // comment / keep-alive
    if (first === 0x64 && isDataField(buf, start, end)) {
      // `data` or `data:` then one optional space: the value is the rest of the line.
      let from = start + 5;
      if (from < end && buf[from] === SPACE) from++;
      const value = from < end ? buf.toString('utf8', from, end) : '';
      this.data = this.data === null ? value : `${this.data}\n${value}`;
      return;
    }
    this.otherField(buf.toString('utf8', start, end));
  }

  private otherField(line: string): void {
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') {
      this.eventType = value;
    } else if (field === 'id') {
      if (!value.includes('\0')) this.lastId = value;
    }
    // `retry` and unknown fields are ignored.
  }

  private dispatch(): void {
    const data = this.data;
    const type = this.eventType || 'message';
    this.data = null;
    this.eventType = '';
    if (data !== null) this.onData(data, type, this.lastId);
  }
}

/** The same parser handing out one SseEvent object per event. */
export class SseParser extends SseDecoder {
  constructor(onEvent: (event: SseEvent) => void) {
    super((data, event, id) => onEvent({ event, data, id }));
  }
}

/** `data` alone on its line, or followed by a colon. */
function isDataField(buf: Buffer, start: number, end: number): boolean {
  return (
    end - start >= 4 &&
    buf[start + 1] === 0x61 &&
    buf[start + 2] === 0x74 &&
    buf[start + 3] === 0x61 &&
    (end - start === 4 || buf[start + 4] === COLON)
  );
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (Buffer.isBuffer(chunk)) return chunk;
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
