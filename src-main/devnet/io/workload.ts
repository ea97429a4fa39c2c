import type { Clock, TimerHandle } from '../../core/clock.js';
import type { ConfigSnapshot } from '../../core/protocol/schemas/snapshot.js';
import type { WorkloadInput } from './admin-schemas.js';
import type { JobOrder } from './dispatcher.js';
import { orderFrom } from './job-orders.js';

export interface WorkloadStatus {
  running: boolean;
  rate: number | null;
  submitted: number;
  /** Jobs it will submit in all (count, or rate × duration). */
  target: number | null;
  started_at: number | null;
  stopped_at: number | null;
}

const TICK_MS = 20;

/** Submits synthetic jobs at a steady rate until its count or duration is reached, or stopped. */
export class Workload {
  private timer: TimerHandle | null = null;
  private input: WorkloadInput | null = null;
  private startedAt = 0;
  private status: WorkloadStatus = idle();

  constructor(
    private readonly clock: Clock,
    private readonly snapshot: () => ConfigSnapshot,
    private readonly submit: (orders: JobOrder[]) => void,
  ) {}

  start(input: WorkloadInput): WorkloadStatus {
    this.stop();
    const fromDuration =
      input.duration_s !== undefined ? Math.round(input.rate * input.duration_s) : Infinity;
    const target = Math.min(input.count ?? Infinity, fromDuration);
    this.input = input;
    this.startedAt = this.clock.now();
    this.status = {
      running: true,
      rate: input.rate,
      submitted: 0,
      target,
      started_at: this.startedAt,
      stopped_at: null,
    };
    this.timer = this.clock.setInterval(() => this.tick(), TICK_MS);
    this.tick();
    return this.current();
  }

  stop(): WorkloadStatus {
    if (this.timer !== null) this.clock.clearInterval(this.timer);
    this.timer = null;
    if (this.status.running) {
      this.status.running = false;
      this.status.stopped_at = this.clock.now();
    }
    return this.current();
  }

  current(): WorkloadStatus {
    return { ...this.status };
  }

  private tick(): void {
    const input = this.input;
    if (!input || !this.status.running) return;
    const target = this.status.target ?? 0;
    const elapsed = this.clock.now() - this.startedAt;
    const due =
      Math.min(target, Math.floor((input.rate * elapsed) / 1000) + 1) - this.status.submitted;
    if (due > 0) {
      const snap = this.snapshot();
      const orders: JobOrder[] = [];
      for (let i = 0; i < due; i++) {
        orders.push(
          orderFrom(
            {
              model: pickModel(input.models),
              kind: input.kind,
              prompt_tokens: input.prompt_tokens ?? 64,
              max_tokens: input.max_tokens,
              timeout_ms: input.timeout_ms,
              ttl_ms: input.ttl_ms,
            },
            snap,
          ),
        );
      }
      this.status.submitted += due;
      this.submit(orders);
    }
    if (this.status.submitted >= target) this.stop();
  }
}

function pickModel(models: WorkloadInput['models']): string | undefined {
  if (!models) return undefined;
  if (Array.isArray(models)) return models[Math.floor(Math.random() * models.length)];
  const entries = Object.entries(models);
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let r = Math.random() * total;
  for (const [name, w] of entries) if ((r -= w) < 0) return name;
  return entries[entries.length - 1]?.[0];
}

function idle(): WorkloadStatus {
  return {
    running: false,
    rate: null,
    submitted: 0,
    target: null,
    started_at: null,
    stopped_at: null,
  };
}
