import type { GpuStateDto } from '../contract/index.js';
import { Emitter, warnListenerErrors, type Event } from '../core/base/event.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { probeGpus, type GpuProbe, type RunFn } from '../core/runtime/gpu/gpu-probe.js';
import { GpuSampler, type GpuSample, type SpawnFn } from '../core/runtime/gpu/gpu-sampler.js';
import type { LocateHost } from '../core/runtime/gpu/nvidia-smi-locate.js';
import type { GpuReading } from '../core/runtime/gpu/nvidia-smi-query.js';

export interface GpuSourceOptions {
  host: LocateHost;
  run: RunFn;
  spawn: SpawnFn;
  clock: Clock;
  logger: Logger;
  intervalMs?: number;
}

/**
 * The dashboard's GPU view: one probe in the background (it may take seconds), then one
 * long-lived nvidia-smi sampler whose samples are pushed as they arrive (no polling).
 */
export class GpuSource {
  private current: GpuStateDto = {
    available: false,
    reason: 'Looking for NVIDIA GPUs…',
    gpus: [],
    probe: 'checking',
  };
  private sampler: GpuSampler | null = null;
  /** The probe's full readings (compute capability included), until the sampler has its own. */
  private probed: GpuReading[] = [];
  private stopped = false;
  private readonly stateChanged: Emitter<GpuStateDto>;
  private readonly sampled: Emitter<GpuSample>;
  /** Fires when the probe's answer changes. */
  readonly onState: Event<GpuStateDto>;
  /** Fires for every sample of every GPU. */
  readonly onSample: Event<GpuSample>;
  /** Resolves once the probe finished (for tests and for hosts that want to wait). */
  readonly ready: Promise<void>;

  constructor(private readonly o: GpuSourceOptions) {
    const onListenerError = warnListenerErrors(o.logger, 'GPU');
    this.stateChanged = new Emitter({ onListenerError });
    this.sampled = new Emitter({ onListenerError });
    this.onState = this.stateChanged.event;
    this.onSample = this.sampled.event;
    this.ready = this.probe();
  }

  state(): GpuStateDto {
    return this.current;
  }
  /** Live samples for heartbeats (core's GpuStatusSampler reads `latest`). */
  latest(): GpuSample[] {
    return this.sampler?.latest() ?? [];
  }

  /** Every GPU as last read: the sampler's latest, or the probe's answer before its first sample. */
  readings(): GpuReading[] {
    const live = this.latest();
    return live.length >= this.probed.length ? live : this.probed;
  }

  /** Runs the GPU probe again (the setup checks ask after the operator fixed something). */
  probeAgain(): Promise<GpuProbe> {
    return probeGpus({ host: this.o.host, run: this.o.run });
  }

  stop(): void {
    this.stopped = true;
    this.sampler?.stop();
  }

  private async probe(): Promise<void> {
    const { host, run, spawn, clock, logger } = this.o;
    const probe: GpuProbe = await probeGpus({ host, run }).catch((err: unknown) => ({
      available: false,
      code: 'probe_failed',
      reason: `The GPU check failed: ${(err as Error).message}`,
    }));
    if (!probe.available) {
      this.set({
        available: false,
        reason: probe.fix ? `${probe.reason} ${probe.fix}` : probe.reason,
        gpus: [],
        probe: 'checked',
      });
      return;
    }
    this.probed = probe.gpus;
    this.set({
      available: true,
      reason: '',
      probe: 'checked',
      gpus: probe.gpus.map((g) => ({
        index: g.index,
        name: g.name,
        uuid: g.uuid,
        memoryTotalMb: g.memoryTotalMb ?? 0,
        driverVersion: g.driverVersion,
      })),
    });
    if (this.stopped) return;
    this.sampler = new GpuSampler({
      nvidiaSmi: probe.nvidiaSmi,
      spawn,
      clock,
      logger: logger.child('gpu'),
      legacyFields: probe.legacyFields,
      ...(this.o.intervalMs ? { intervalMs: this.o.intervalMs } : {}),
    });
    this.sampler.onSample((s) => this.sampled.fire(s));
    this.sampler.start();
  }

  private set(next: GpuStateDto): void {
    this.current = next;
    this.stateChanged.fire(next);
  }
}
