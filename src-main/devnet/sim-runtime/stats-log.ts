import type { EngineClock } from './clock.js';
import type { SimEngine } from './engine.js';
import { vllmLogLine } from './vllm-log.js';

const INTERVAL_MS = 10_000;

/**
 * vLLM's periodic "Engine 000: Avg prompt throughput ..." line, every 10 s while there is
 * traffic (vLLM stays quiet on an idle engine). Returns a stop function.
 */
export function startStatsLog(
  engine: SimEngine,
  clock: EngineClock,
  log: (line: string) => void,
): () => void {
  let last = engine.stats();
  let lastAt = clock.now();
  let wasBusy = false;
  let timer = clock.setTimeout(function step() {
    const now = engine.stats();
    const at = clock.now();
    const seconds = Math.max(0.001, (at - lastAt) / 1000);
    const prompt = (now.promptTokens - last.promptTokens) / seconds;
    const gen = (now.generationTokens - last.generationTokens) / seconds;
    const busy = prompt > 0 || gen > 0 || now.running > 0 || now.waiting > 0;
    if (busy || wasBusy) {
      log(
        vllmLogLine(
          'APIServer',
          'INFO',
          'loggers.py:123',
          `Engine 000: Avg prompt throughput: ${prompt.toFixed(1)} tokens/s, ` +
            `Avg generation throughput: ${gen.toFixed(1)} tokens/s, ` +
            `Running: ${now.running} reqs, Waiting: ${now.waiting} reqs, ` +
            `GPU KV cache usage: ${(now.kvCacheUsage * 100).toFixed(1)}%, ` +
            'Prefix cache hit rate: 0.0%',
        ),
      );
    }
    wasBusy = busy;
    last = now;
    lastAt = at;
    timer = clock.setTimeout(step, INTERVAL_MS);
    unref(timer);
  }, INTERVAL_MS);
  unref(timer);
  return () => clock.clearTimeout(timer);
}

function unref(handle: unknown): void {
  (handle as { unref?: () => unknown }).unref?.();
}
