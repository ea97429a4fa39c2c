import type { RuntimeMetrics } from './runtime.js';

/**
 * How long a heartbeat waits for the runtime's /metrics: a hung endpoint must not hold the
 * heartbeat past its window (the heartbeat then reports nulls for the metrics).
 */
export const METRICS_TIMEOUT_MS = 1_000;

export interface PromSample {
  labels: Record<string, string>;
  value: number;
}

/**
 * Parses the Prometheus text exposition format into samples by metric name. Comments, blank
 * lines, timestamps, escaped label values and lines it cannot read are tolerated (skipped).
 */
export function parsePrometheusText(text: string): Map<string, PromSample[]> {
  const out = new Map<string, PromSample[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const sample = parseLine(line);
    if (!sample) continue;
    const list = out.get(sample.name);
    if (list) list.push(sample.sample);
    else out.set(sample.name, [sample.sample]);
  }
  return out;
}

function parseLine(line: string): { name: string; sample: PromSample } | null {
  let i = 0;
  while (i < line.length && line[i] !== '{' && line[i] !== ' ' && line[i] !== '\t') i++;
  const name = line.slice(0, i);
  if (!name) return null;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    const end = parseLabels(line, i + 1, labels);
    if (end === -1) return null;
    i = end;
  }
  const rest = line.slice(i).trim().split(/\s+/);
  const value = parseValue(rest[0] ?? '');
  if (value === null) return null;
  return { name, sample: { labels, value } };
}

/** Parses `a="x",b="y\"z"}` starting at `i`; returns the index after `}` or -1. */
function parseLabels(line: string, i: number, labels: Record<string, string>): number {
  while (i < line.length) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return i + 1;
    const eq = line.indexOf('=', i);
    if (eq === -1 || line[eq + 1] !== '"') return -1;
    const key = line.slice(i, eq).trim();
    let j = eq + 2;
    let value = '';
    for (; j < line.length && line[j] !== '"'; j++) {
      if (line[j] === '\\' && j + 1 < line.length) {
        j++;
        value += line[j] === 'n' ? '\n' : line[j];
      } else {
        value += line[j];
      }
    }
    if (j >= line.length) return -1;
    labels[key] = value;
    i = j + 1;
  }
  return -1;
}

function parseValue(token: string): number | null {
  if (token === '') return null;
  if (token === '+Inf' || token === 'Inf') return Infinity;
  if (token === '-Inf') return -Infinity;
  if (token === 'NaN') return NaN;
  const n = Number(token);
  return Number.isNaN(n) ? null : n;
}

function sum(samples: PromSample[] | undefined): number | null {
  if (!samples || samples.length === 0) return null;
  let total = 0;
  for (const s of samples) if (Number.isFinite(s.value)) total += s.value;
  return total;
}

function mean(samples: PromSample[] | undefined): number | null {
  const total = sum(samples);
  return total === null || !samples ? null : total / samples.length;
}

/**
 * vLLM's metrics (one engine or several, e.g. data parallel: series are summed, the KV-cache
 * share is averaged). TTFT is the histogram's mean since start: `_sum / _count`.
 */
export function parseVllmMetrics(text: string): RuntimeMetrics {
  const m = parsePrometheusText(text);
  const running = sum(m.get('vllm:num_requests_running'));
  const waiting = sum(m.get('vllm:num_requests_waiting'));
  const kv = mean(m.get('vllm:kv_cache_usage_perc') ?? m.get('vllm:gpu_cache_usage_perc'));
  const ttftSum = sum(m.get('vllm:time_to_first_token_seconds_sum'));
  const ttftCount = sum(m.get('vllm:time_to_first_token_seconds_count'));
  const gen = sum(m.get('vllm:generation_tokens_total') ?? m.get('vllm:generation_tokens'));
  return {
    running: running === null ? null : Math.round(running),
    waiting: waiting === null ? null : Math.round(waiting),
    kvCacheUsage: kv === null ? null : Math.min(1, Math.max(0, kv)),
    timeToFirstTokenSeconds:
      ttftSum !== null && ttftCount !== null && ttftCount > 0 ? ttftSum / ttftCount : null,
    generationTokensTotal: gen === null ? null : Math.round(gen),
  };
}

export const EMPTY_METRICS: RuntimeMetrics = {
  running: null,
  waiting: null,
  kvCacheUsage: null,
  timeToFirstTokenSeconds: null,
  generationTokensTotal: null,
};
