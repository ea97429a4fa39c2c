import type { SimRuntime } from '../../../src-main/devnet/sim-runtime/server.js';

export function authHeaders(rt: Pick<SimRuntime, 'apiKey'>): Record<string, string> {
  const h: Record<string, string> = { 'content-type': 'application/json' };
  if (rt.apiKey) h.authorization = `Bearer ${rt.apiKey}`;
  return h;
}

export function post(
  rt: SimRuntime,
  path: string,
  body: unknown,
  init: { signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(rt.url + path, {
    method: 'POST',
    headers: init.headers ?? authHeaders(rt),
    body: JSON.stringify(body),
    signal: init.signal,
  });
}

/** Reads an SSE body event by event; `next` resolves undefined at the end of the stream. */
export class SseReader {
  private buffer = '';
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;

  constructor(res: Response) {
    if (!res.body) throw new Error('response has no body');
    this.reader = res.body.getReader();
  }

  /** The next `data:` payload; rejects with 'timeout' when none arrives within `timeoutMs`. */
  async next(timeoutMs = 5000): Promise<string | undefined> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const event = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        if (!event.startsWith('data: ')) throw new Error(`not an SSE data line: ${event}`);
        return event.slice('data: '.length);
      }
      this.pending ??= this.reader.read();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      });
      const chunk = await Promise.race([this.pending, timeout]).finally(() => clearTimeout(timer));
      this.pending = undefined;
      if (chunk.done) return undefined;
      this.buffer += this.decoder.decode(chunk.value, { stream: true });
    }
  }

  /** Every remaining payload up to the end of the stream. */
  async rest(timeoutMs = 5000): Promise<string[]> {
    const out: string[] = [];
    for (let d = await this.next(timeoutMs); d !== undefined; d = await this.next(timeoutMs)) {
      out.push(d);
    }
    return out;
  }
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reader of the Prometheus text format (0.0.4): every sample must belong to a family
 * declared by `# TYPE` (histograms own `_bucket`, `_sum`, `_count`), labels must be well formed.
 */
export function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const sampleRe = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)$`);
  const labelRe = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/;
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) continue;
    const type = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(
      line,
    );
    if (type?.[1] && type[2]) {
      types.set(type[1], type[2]);
      continue;
    }
    const m = sampleRe.exec(line);
    if (!m?.[1] || m[3] === undefined) throw new Error(`bad line: ${line}`);
    const labels: Record<string, string> = {};
    let rest = m[2] ?? '';
    while (rest.length) {
      const l = labelRe.exec(rest);
      if (!l?.[1] || l[2] === undefined) throw new Error(`bad labels in: ${line}`);
      labels[l[1]] = l[2];
      rest = rest.slice(l[0].length);
    }
    const value = m[3] === '+Inf' ? Infinity : Number(m[3]);
    if (Number.isNaN(value)) throw new Error(`bad value in: ${line}`);
    const family = familyOf(m[1], types);
    if (!family) throw new Error(`sample without # TYPE: ${line}`);
    samples.push({ name: m[1], labels, value });
  }
  return { types, samples };
}

function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    const base = name.slice(0, -suffix.length);
    if (name.endsWith(suffix) && types.get(base) === 'histogram') return base;
  }
  return undefined;
}

export async function metric(
  rt: SimRuntime,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${rt.url}/metrics`)).text();
  const found = parsePrometheus(text).samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (!found) throw new Error(`no sample ${name} ${JSON.stringify(labels)}`);
  return found.value;
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 5000) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
