import { Emitter, type Event } from '../base/event.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { PowerEnvelope } from '../protocol/index.js';
import type { GpuReading } from '../runtime/gpu/nvidia-smi-query.js';
import { LimitTrigger, type LimitLevel } from './limit-trigger.js';
import type { PauseController } from './pause-controller.js';

/** The operator's limits (Settings → When to pause: temperature and power). */
export interface GpuLimitSettings {
  thermal: { enabled: boolean; maxTempC: number };
  power: { enabled: boolean; capW: number | null };
}

/** Hysteresis: the temperature must fall this far under the ceiling before a step back. */
export const THERMAL_MARGIN_C = 5;
/** …and the power draw under this share of the cap. */
export const POWER_CLEAR_SHARE = 0.9;

export interface GpuLimitsOptions {
  clock: Clock;
  pauses: Pick<PauseController, 'request' | 'release'>;
  /** Every GPU as last sampled. */
  readings: () => GpuReading[];
  pauseAfterMs?: number;
  clearAfterMs?: number;
  log: Logger;
}

const worst = (values: (number | null)[]): number | null => {
  const known = values.filter((v): v is number => v !== null);
  return known.length === 0 ? null : Math.max(...known);
};

/**
 * The temperature ceiling and the power cap as the node keeps them: each a LimitTrigger on the
 * hottest / most power-hungry GPU's samples. While either is over its limit the node runs fewer
 * jobs at once (`reducing`); the heartbeat reports both limits (`envelope`).
 */
export class GpuLimits {
  private settings: GpuLimitSettings | null = null;
  private thermal: LimitTrigger | null = null;
  private power: LimitTrigger | null = null;
  private readonly changed = new Emitter<boolean>();
  /** Fires with `reducing()` when it changes. */
  readonly onReducing: Event<boolean> = this.changed.event;
  private wasReducing = false;

  constructor(private readonly o: GpuLimitsOptions) {}

  /** Takes the operator's limits; a changed or disabled limit starts over from 'ok'. */
  configure(s: GpuLimitSettings): void {
    const prev = this.settings;
    this.settings = s;
    if (!prev || JSON.stringify(prev.thermal) !== JSON.stringify(s.thermal)) {
      this.thermal?.stop();
      this.thermal = s.thermal.enabled ? this.thermalTrigger(s.thermal.maxTempC) : null;
    }
    if (!prev || JSON.stringify(prev.power) !== JSON.stringify(s.power)) {
      this.power?.stop();
      const cap = s.power.capW;
      this.power = s.power.enabled && cap !== null && cap > 0 ? this.powerTrigger(cap) : null;
    }
    this.levelChanged();
  }

  /** A new GPU sample arrived: check both limits against the worst GPU. */
  observe(): void {
    const gpus = this.o.readings();
    this.thermal?.observe(worst(gpus.map((g) => g.temperatureC)));
    this.power?.observe(worst(gpus.map((g) => g.powerW)));
  }

  /** Over a limit: the node announces fewer jobs at once. */
  reducing(): boolean {
    return this.levelOf(this.thermal) !== 'ok' || this.levelOf(this.power) !== 'ok';
  }

  /** The limits as heartbeats carry them (docs/PROTOCOL.md); null when there is nothing to say. */
  envelope(reducedConcurrency: number | null): PowerEnvelope | null {
    const s = this.settings;
    const cap = s?.power.enabled ? s.power.capW : null;
    const ceiling = s?.thermal.enabled ? s.thermal.maxTempC : null;
    const driver = worst(this.o.readings().map((g) => g.powerLimitW));
    const reduced = this.reducing() && reducedConcurrency !== null ? reducedConcurrency : null;
    if (cap === null && ceiling === null && driver === null) return null;
    return {
      power_cap_w: cap !== null && cap > 0 ? cap : null,
      temperature_ceiling_c: ceiling,
      driver_power_limit_w: driver !== null && driver > 0 ? driver : null,
      reduced_concurrency: reduced !== null && reduced >= 1 ? Math.floor(reduced) : null,
    };
  }

  /** Withdraws every pause and reduction. */
  dispose(): void {
    this.thermal?.stop();
    this.power?.stop();
    this.thermal = this.power = null;
    this.changed.dispose();
  }

  private levelOf(t: LimitTrigger | null): LimitLevel {
    return t?.level() ?? 'ok';
  }

  private levelChanged(): void {
    const now = this.reducing();
    if (now === this.wasReducing) return;
    this.wasReducing = now;
    this.changed.fire(now);
  }

  private common() {
    const { clock, pauses, log } = this.o;
    return {
      clock,
      pauses,
      log,
      onLevel: () => this.levelChanged(),
      ...(this.o.pauseAfterMs !== undefined ? { pauseAfterMs: this.o.pauseAfterMs } : {}),
      ...(this.o.clearAfterMs !== undefined ? { clearAfterMs: this.o.clearAfterMs } : {}),
    };
  }

  /** "for 60 s": how long a limit must stay cleared. */
  private forHowLong(): string {
    return `for ${Math.round((this.o.clearAfterMs ?? 60_000) / 1000)} s`;
  }

  private thermalTrigger(maxC: number): LimitTrigger {
    const clearAt = maxC - THERMAL_MARGIN_C;
    return new LimitTrigger({
      ...this.common(),
      source: 'thermal',
      limit: maxC,
      clearAt,
      words: {
        over: (v) => `the GPU is at ${Math.round(v)} °C (your limit ${maxC} °C)`,
        resumes: `resumes once it stays at ${clearAt} °C or cooler ${this.forHowLong()}`,
      },
    });
  }

  private powerTrigger(capW: number): LimitTrigger {
    const clearAt = Math.round(capW * POWER_CLEAR_SHARE);
    return new LimitTrigger({
      ...this.common(),
      source: 'power',
      limit: capW,
      clearAt,
      words: {
        over: (v) => `the GPU draws ${Math.round(v)} W (your cap ${capW} W)`,
        resumes: `resumes once it stays at ${clearAt} W or less ${this.forHowLong()}`,
      },
    });
  }
}
