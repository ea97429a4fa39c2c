import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { NodeStateDto, NodeStateName } from '../../contract/index.js';
import type { Event } from '../../core/base/event.js';
import { DisposableStore, type Disposable } from '../../core/base/lifecycle.js';
import type { Clock } from '../../core/clock.js';
import type { JobEvent } from '../../core/jobs/job-engine-api.js';
import { AgentStateName } from '../../core/protocol/index.js';
import type { GpuSample } from '../../core/runtime/gpu/gpu-sampler.js';
import type { RuntimeMetrics } from '../../core/runtime/runtime.js';

/** What the metrics read: the node's own trackers, never a copy of their bookkeeping. */
export interface MetricsSources {
  clock: Clock;
  state(): NodeStateDto;
  readonly onJobEvent: Event<JobEvent>;
  gpuSamples(): GpuSample[];
  /** When the network last answered a heartbeat (null: not yet in this run). */
  heartbeatAt(): number | null;
  /** The running runtime's own figures (null: no runtime running). */
  runtimeMetrics(): Promise<RuntimeMetrics | null>;
}

const STATES: readonly NodeStateName[] = AgentStateName.options;
/** Seconds: from a token-sized job to a long generation near the job deadline. */
const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** Jobs still open, for the latency of the outcome; bounded against a lost terminal event. */
const MAX_OPEN = 4096;
/**
 * How often prom-client samples the event loop's delay (`nodejs_eventloop_lag_*`). Its default,
 * 10 ms, wakes an idle node 100 times a second — more than half of its idle CPU. 250 ms still
 * catches any stall that long and costs 4 wake-ups a second.
 */
export const EVENT_LOOP_SAMPLE_MS = 250;

/**
 * The node's figures as Prometheus metrics (one registry per node, not prom-client's global
 * one). Job counters and histograms follow job events; gauges are read at scrape time.
 * Network test tasks are left out: they are not work served for anyone.
 */
export class NodeMetrics implements Disposable {
  readonly registry = new Registry();
  private readonly subs = new DisposableStore();
  private readonly received = new Map<string, number>();

  constructor(s: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({
      register: this.registry,
      prefix: 'resultity_node_',
      eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS,
    });
    new Gauge({
      name: 'resultity_node_state',
      help: 'The node state: 1 for the current one, 0 for the others.',
      labelNames: ['state'],
      registers,
      collect() {
        const now = s.state().state;
        for (const name of STATES) this.set({ state: name }, name === now ? 1 : 0);
      },
    });
    new Gauge({
      name: 'resultity_node_config_serial',
      help: 'Serial of the applied network configuration (absent before the first one).',
      registers,
      collect() {
        this.reset();
        const serial = s.state().config.serial;
        if (serial !== null) this.set(serial);
      },
    });
    new Gauge({
      name: 'resultity_node_heartbeat_age_seconds',
      help: 'Seconds since the network last answered a heartbeat (absent before the first).',
      registers,
      collect() {
        this.reset();
        const at = s.heartbeatAt();
        if (at !== null) this.set(Math.max(0, (s.clock.now() - at) / 1000));
      },
    });
    this.gpuGauges(s, registers);
    this.runtimeGauges(s, registers);
    this.jobMetrics(s, registers);
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  dispose(): void {
    this.subs.dispose();
    this.registry.clear();
  }

  private jobMetrics(s: MetricsSources, registers: Registry[]): void {
    const jobs = new Counter({
      name: 'resultity_node_jobs_total',
      help: 'Jobs by outcome on this node: completed, failed, rejected.',
      labelNames: ['outcome'],
      registers,
    });
    for (const outcome of ['completed', 'failed', 'rejected']) jobs.inc({ outcome }, 0);
    const tokens = new Counter({
      name: 'resultity_node_tokens_total',
      help: 'Tokens of finished jobs, by kind (prompt or completion).',
      labelNames: ['kind'],
      registers,
    });
    tokens.inc({ kind: 'prompt' }, 0);
    tokens.inc({ kind: 'completion' }, 0);
    const latency = new Histogram({
      name: 'resultity_node_job_latency_seconds',
      help: 'From receiving a job to its result, by outcome.',
      labelNames: ['outcome'],
      buckets: BUCKETS,
      registers,
    });
    const runtime = new Histogram({
      name: 'resultity_node_job_runtime_seconds',
      help: 'Time the runtime spent on a job (from its start there to the result).',
      buckets: BUCKETS,
      registers,
    });
    s.onJobEvent((e) => {
      if (e.test) return;
      if (e.kind === 'received') {
        if (this.received.size >= MAX_OPEN) this.received.clear();
        this.received.set(e.jobId, e.at);
        return;
      }
      if (e.kind !== 'completed' && e.kind !== 'failed' && e.kind !== 'rejected') return;
      jobs.inc({ outcome: e.kind });
      const since = this.received.get(e.jobId);
      this.received.delete(e.jobId);
      if (e.kind === 'rejected') return;
      tokens.inc({ kind: 'prompt' }, e.promptTokens ?? 0);
      tokens.inc({ kind: 'completion' }, e.completionTokens ?? 0);
      const ms = e.durationMs ?? (since !== undefined ? e.at - since : undefined);
      if (ms !== undefined) latency.observe({ outcome: e.kind }, ms / 1000);
      if (e.runtimeMs !== undefined) runtime.observe(e.runtimeMs / 1000);
    }, this.subs);
  }

  private gpuGauges(s: MetricsSources, registers: Registry[]): void {
    const gauge = (name: string, help: string, read: (g: GpuSample) => number | null) =>
      new Gauge({
        name,
        help,
        labelNames: ['gpu'],
        registers,
        collect() {
          this.reset();
          for (const g of s.gpuSamples()) {
            const v = read(g);
            if (v !== null) this.set({ gpu: String(g.index) }, v);
          }
        },
      });
    const mb = (v: number | null) => (v === null ? null : v * 1024 * 1024);
    gauge('resultity_node_gpu_utilization_ratio', 'GPU utilisation (0–1).', (g) =>
      g.utilizationPct === null ? null : g.utilizationPct / 100,
    );
    gauge('resultity_node_gpu_memory_used_bytes', 'GPU memory in use.', (g) => mb(g.memoryUsedMb));
    gauge('resultity_node_gpu_memory_total_bytes', 'GPU memory.', (g) => mb(g.memoryTotalMb));
    gauge('resultity_node_gpu_temperature_celsius', 'GPU temperature.', (g) => g.temperatureC);
    gauge('resultity_node_gpu_power_watts', 'GPU power draw.', (g) => g.powerW);
  }

  private runtimeGauges(s: MetricsSources, registers: Registry[]): void {
    new Gauge({
      name: 'resultity_node_runtime_requests',
      help: "Requests in the runtime's queue, from its own metrics: running or waiting.",
      labelNames: ['queue'],
      registers,
      async collect() {
        this.reset();
        const m = await s.runtimeMetrics().catch(() => null);
        if (m?.running != null) this.set({ queue: 'running' }, m.running);
        if (m?.waiting != null) this.set({ queue: 'waiting' }, m.waiting);
      },
    });
  }
}
