import { describe, expect, it } from 'vitest';
import { Emitter } from '../../../src-main/core/base/event.js';
import type { JobEvent } from '../../../src-main/core/jobs/job-engine-api.js';
import type { GpuSample } from '../../../src-main/core/runtime/gpu/gpu-sampler.js';
import { NodeMetrics } from '../../../src-main/service/ops/node-metrics.js';
import { ManualClock } from '../../helpers/manual-clock.js';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('NodeMetrics', () => {
  it('counts served jobs (not test tasks), times them, and reads GPU, heartbeat and queue at scrape', async () => {
    const clock = new ManualClock();
    const jobs = new Emitter<JobEvent>();
    const emit = (e: JobEvent) => jobs.fire(e);
    const gpu: GpuSample[] = [
      {
        ts: 0,
        index: 0,
        utilizationPct: 75,
        memoryUsedMb: 1024,
        memoryTotalMb: 2048,
        temperatureC: 61,
        powerW: 250.5,
      } as GpuSample,
    ];
    const m = new NodeMetrics({
      clock,
      state: () => ({ state: 'degraded', config: { serial: 7 } }) as never,
      onJobEvent: jobs.event,
      gpuSamples: () => gpu,
      heartbeatAt: () => clock.now() - 4_000,
      runtimeMetrics: async () => ({
        running: 3,
        waiting: 2,
        kvCacheUsage: null,
        timeToFirstTokenSeconds: null,
        generationTokensTotal: null,
      }),
    });
    const at = clock.now();
    emit({ kind: 'received', jobId: 'a', model: 'm', at });
    emit({
      kind: 'completed',
      jobId: 'a',
      model: 'm',
      at: at + 1500,
      promptTokens: 10,
      completionTokens: 20,
      durationMs: 1500,
      runtimeMs: 1200,
    });
    emit({ kind: 'failed', jobId: 'b', model: 'm', at, durationMs: 300 });
    emit({ kind: 'rejected', jobId: 'c', model: 'm', at });
    emit({ kind: 'completed', jobId: 't', model: 'm', at, test: true, completionTokens: 99 });
    const text = await m.metrics();
    expect(sample(text, 'resultity_node_state{state="degraded"}')).toBe(1);
    expect(sample(text, 'resultity_node_state{state="active"}')).toBe(0);
    expect(sample(text, 'resultity_node_config_serial')).toBe(7);
    expect(sample(text, 'resultity_node_heartbeat_age_seconds')).toBe(4);
    expect(sample(text, 'resultity_node_jobs_total{outcome="completed"}')).toBe(1);
    expect(sample(text, 'resultity_node_jobs_total{outcome="failed"}')).toBe(1);
    expect(sample(text, 'resultity_node_jobs_total{outcome="rejected"}')).toBe(1);
    expect(sample(text, 'resultity_node_tokens_total{kind="completion"}')).toBe(20);
    expect(sample(text, 'resultity_node_tokens_total{kind="prompt"}')).toBe(10);
    expect(sample(text, 'resultity_node_job_latency_seconds_sum{outcome="completed"}')).toBe(1.5);
    expect(
      sample(text, 'resultity_node_job_latency_seconds_bucket{le="2.5",outcome="completed"}'),
    ).toBe(1);
    expect(
      sample(text, 'resultity_node_job_latency_seconds_bucket{le="1",outcome="completed"}'),
    ).toBe(0);
    expect(sample(text, 'resultity_node_job_runtime_seconds_sum')).toBe(1.2);
    expect(sample(text, 'resultity_node_gpu_utilization_ratio{gpu="0"}')).toBe(0.75);
    expect(sample(text, 'resultity_node_gpu_memory_used_bytes{gpu="0"}')).toBe(1024 ** 3);
    expect(sample(text, 'resultity_node_gpu_temperature_celsius{gpu="0"}')).toBe(61);
    expect(sample(text, 'resultity_node_gpu_power_watts{gpu="0"}')).toBe(250.5);
    expect(sample(text, 'resultity_node_runtime_requests{queue="running"}')).toBe(3);
    expect(sample(text, 'resultity_node_runtime_requests{queue="waiting"}')).toBe(2);
    m.dispose();
  });
});
