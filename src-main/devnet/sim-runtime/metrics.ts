import type { EngineStats } from './engine.js';
import type { Histogram } from './histogram.js';

/**
 * `/metrics` in Prometheus text format 0.0.4 with vLLM's metric names, types, help texts and
 * labels (`engine`, `model_name`), written the way prometheus_client writes them: labels sorted,
 * counters suffixed `_total`, numbers as Python floats ("1.0").
 */
export function renderMetrics(stats: EngineStats, modelName: string): string {
  const model = `model_name="${escapeLabel(modelName)}"`;
  const labels = `engine="0",${model}`;
  const out: string[] = [];
  const family = (name: string, type: string, help: string) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };
  const gauge = (name: string, help: string, value: number) => {
    family(name, 'gauge', help);
    out.push(`${name}{${labels}} ${num(value)}`);
  };
  const counter = (name: string, help: string, value: number) => {
    family(`${name}_total`, 'counter', help);
    out.push(`${name}_total{${labels}} ${num(value)}`);
  };
  const histogram = (name: string, help: string, h: Histogram) => {
    family(name, 'histogram', help);
    const cumulative = h.cumulative();
    h.bounds.forEach((le, i) => {
      out.push(`${name}_bucket{engine="0",le="${num(le)}",${model}} ${num(cumulative[i] ?? 0)}`);
    });
    out.push(`${name}_bucket{engine="0",le="+Inf",${model}} ${num(h.count)}`);
    out.push(`${name}_count{${labels}} ${num(h.count)}`, `${name}_sum{${labels}} ${num(h.sum)}`);
  };

  gauge(
    'vllm:num_requests_running',
    'Number of requests in model execution batches.',
    stats.running,
  );
  gauge('vllm:num_requests_waiting', 'Number of requests waiting to be processed.', stats.waiting);
  gauge(
    'vllm:kv_cache_usage_perc',
    'KV-cache usage. 1 means 100 percent usage.',
    stats.kvCacheUsage,
  );
  counter('vllm:prompt_tokens', 'Number of prefill tokens processed.', stats.promptTokens);
  counter(
    'vllm:generation_tokens',
    'Number of generation tokens processed.',
    stats.generationTokens,
  );
  family('vllm:request_success_total', 'counter', 'Count of successfully processed requests.');
  for (const reason of ['stop', 'length', 'abort'] as const) {
    out.push(
      `vllm:request_success_total{engine="0",finished_reason="${reason}",${model}} ${num(stats.finished[reason])}`,
    );
  }
  histogram(
    'vllm:time_to_first_token_seconds',
    'Histogram of time to first token in seconds.',
    stats.ttft,
  );
  histogram(
    'vllm:e2e_request_latency_seconds',
    'Histogram of e2e request latency in seconds.',
    stats.e2eLatency,
  );
  histogram(
    'vllm:request_queue_time_seconds',
    'Histogram of time spent in WAITING phase for request.',
    stats.queueTime,
  );
  return out.join('\n') + '\n';
}

/** Python's float repr for the values we produce. */
function num(value: number): string {
  if (value === Infinity) return '+Inf';
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
