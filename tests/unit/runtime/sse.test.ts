import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from '../../../src-main/core/runtime/sse.js';

function parseAll(chunks: Array<Uint8Array | string>): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = new SseParser((e) => events.push(e));
  for (const c of chunks) parser.push(c);
  parser.end();
  return events;
}

const STREAM =
  ': keep-alive\r\n' +
  'data: {"choices":[{"delta":{"content":"Grüße 🌍"}}]}\r\n\r\n' +
  'event: note\nid: 7\ndata: line one\ndata: line two\n\n' +
  'data:no-space\r\r' +
  'data: multi\r\ndata: crlf\r\n\r\n' +
  'retry: 100\nunknown: x\ndata: [DONE]\n\n';

const EXPECTED: SseEvent[] = [
  { event: 'message', data: '{"choices":[{"delta":{"content":"Grüße 🌍"}}]}', id: null },
  { event: 'note', data: 'line one\nline two', id: '7' },
  { event: 'message', data: 'no-space', id: '7' },
  { event: 'message', data: 'multi\ncrlf', id: '7' },
  { event: 'message', data: '[DONE]', id: '7' },
];

describe('SseParser', () => {
  it('parses a whole stream with mixed line endings, comments and multi-line data', () => {
    expect(parseAll([new TextEncoder().encode(STREAM)])).toEqual(EXPECTED);
  });

  it('gives the same events when the bytes are split at every possible boundary', () => {
    const bytes = new TextEncoder().encode(STREAM);
    for (let cut = 1; cut < bytes.length; cut++) {
      const events = parseAll([bytes.slice(0, cut), bytes.slice(cut)]);
      expect(events, `split at byte ${cut}`).toEqual(EXPECTED);
    }
  });

  it('gives the same events when fed one byte at a time', () => {
    const bytes = new TextEncoder().encode(STREAM);
    const chunks = Array.from(bytes, (_, i) => bytes.slice(i, i + 1));
    expect(parseAll(chunks)).toEqual(EXPECTED);
  });

  it('dispatches a final event that lacks its blank line at end of stream', () => {
    expect(parseAll(['data: last'])).toEqual([{ event: 'message', data: 'last', id: null }]);
  });

  it('ignores blocks with no data field', () => {
    expect(parseAll(['event: ping\n\n: comment\n\n'])).toEqual([]);
  });
});

describe('SseParser on Node Buffers', () => {
  const bytes = Buffer.from(STREAM, 'utf8');

  it('gives the same events for Buffers cut into three anywhere', () => {
    // Every first cut, and second cuts landing inside the emoji, the CRs and the field names.
    for (let a = 1; a < bytes.length - 1; a++) {
      for (let b = a + 1; b < bytes.length; b += 7) {
        const chunks = [bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)];
        expect(parseAll(chunks), `cuts at ${a} and ${b}`).toEqual(EXPECTED);
      }
    }
  });

  it('keeps a split line intact when the chunk it came in is reused afterwards', () => {
    const events: SseEvent[] = [];
    const parser = new SseParser((e) => events.push(e));
    const chunk = Buffer.from('data: Grü');
    parser.push(chunk);
    chunk.fill(0x78); // a reader that recycles its buffer must not change the line kept
    parser.push(Buffer.from('ße\n\n'));
    expect(events).toEqual([{ event: 'message', data: 'Grüße', id: null }]);
  });

  it('drops a UTF-8 byte order mark at the start of the stream, even split', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('data: x\n\n')]);
    expect(parseAll([withBom])).toEqual([{ event: 'message', data: 'x', id: null }]);
    expect(parseAll([withBom.subarray(0, 2), withBom.subarray(2)])).toEqual([
      { event: 'message', data: 'x', id: null },
    ]);
  });

  it('reads `data` with no colon as empty data and ignores fields that only start with data', () => {
    expect(parseAll(['data\n\ndatabase: 1\n\ndata:\ndata: y\n\n'])).toEqual([
      { event: 'message', data: '', id: null },
      { event: 'message', data: '\ny', id: null },
    ]);
  });
});
