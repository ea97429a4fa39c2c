import http from 'node:http';

/**
 * A closed-loop load generator for an OpenAI-compatible server: `concurrency` clients, each
 * sending the next request as soon as the previous answer is read, over keep-alive sockets.
 */
export interface LoadOptions {
  /** Base URL, e.g. http://127.0.0.1:8000 */
  url: string;
  apiKey?: string;
  concurrency: number;
  durationMs: number;
  path?: string;
  body?: unknown;
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const target = new URL(o.path ?? '/v1/completions', o.url);
  const payload = JSON.stringify(o.body ?? { prompt: 'Benchmark prompt.', max_tokens: 16 });
  const headers: http.OutgoingHttpHeaders = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}),
  };
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const until = started + o.durationMs;

  const once = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = http.request(target, { method: 'POST', agent, headers }, (res) => {
        res.on('data', () => {});
        res.on('end', () => {
          if (res.statusCode === 200) latencies.push(performance.now() - t0);
          else errors++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(payload);
    });

  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (performance.now() < until) await once();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  return {
    requests: latencies.length,
    errors,
    seconds,
    requestsPerSecond: latencies.length / seconds,
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
  };
}
