/**
 * Incremental Server-Sent Events parser (the WHATWG event-stream rules that matter for
 * OpenAI-style streams). Bytes may arrive split anywhere — inside a UTF-8 character, between
 * `\r` and `\n`, inside a field name — so it keeps a decoder and a partial line across chunks.
 */
export interface SseEvent {
  event: string;
  data: string;
  id: string | null;
}

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  /** A chunk ended in `\r`: a `\n` at the start of the next one belongs to the same line end. */
  private pendingCr = false;
  private dataLines: string[] = [];
  private eventType = '';
  private lastId: string | null = null;
  private hasData = false;

  constructor(private readonly onEvent: (event: SseEvent) => void) {}

  push(chunk: Uint8Array | string): void {
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (text === '') return;
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    this.drainLines();
  }

  /** Call at end of stream: a final event without its blank line is still dispatched. */
  end(): void {
    this.buffer += this.decoder.decode();
    if (this.buffer.length > 0) {
      this.processLine(this.buffer);
      this.buffer = '';
    }
    this.dispatch();
  }

  private drainLines(): void {
    let start = 0;
    const buf = this.buffer;
    for (let i = 0; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.processLine(buf.slice(start, i));
      if (c === 13) {
        if (i + 1 < buf.length) {
          if (buf.charCodeAt(i + 1) === 10) i++;
        } else {
          this.pendingCr = true;
        }
      }
      start = i + 1;
    }
    this.buffer = buf.slice(start);
  }

  private processLine(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') {
      this.dataLines.push(value);
      this.hasData = true;
    } else if (field === 'event') {
      this.eventType = value;
    } else if (field === 'id') {
      if (!value.includes('\0')) this.lastId = value;
    }
    // `retry` and unknown fields are ignored.
  }

  private dispatch(): void {
    if (this.hasData) {
      this.onEvent({
        event: this.eventType || 'message',
        data: this.dataLines.join('\n'),
        id: this.lastId,
      });
    }
    this.dataLines = [];
    this.eventType = '';
    this.hasData = false;
  }
}
