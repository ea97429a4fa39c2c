import type { PauseTriggersDto } from '../contract/index.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { AvailabilityListener, PauseTrigger } from '../core/pause/pause-trigger.js';
import type { PauseController } from '../core/pause/pause-controller.js';
import type { PauseHost } from './pause-host.js';
import { ScheduleTrigger } from '../core/pause/schedule-trigger.js';

/** A trigger bound to the part of the operator's settings it reads. */
export interface TriggerBinding {
  apply(settings: PauseTriggersDto): void;
  dispose(): void;
}

/** What a host's own triggers are built with (the desktop's idle and full-screen triggers). */
export interface TriggerContext {
  clock: Clock;
  pauses: PauseController;
  logger: Logger;
  onAvailability: AvailabilityListener;
}

/** Binds a trigger to its settings, typed: `select` gives exactly what `configure` takes. */
export function bindTrigger<C>(
  trigger: PauseTrigger<C>,
  select: (settings: PauseTriggersDto) => C,
): TriggerBinding {
  return { apply: (s) => trigger.configure(select(s)), dispose: () => trigger.dispose() };
}

/**
 * The process's automatic pause triggers: each is configured from Settings → When to pause at
 * start and again on every change (a trigger turned off withdraws its request at once).
 */
export class PauseTriggerSet {
  private readonly bindings: TriggerBinding[] = [];

  add(...bindings: TriggerBinding[]): void {
    this.bindings.push(...bindings);
  }

  apply(settings: PauseTriggersDto): void {
    for (const b of this.bindings) b.apply(settings);
  }

  dispose(): void {
    for (const b of this.bindings) b.dispose();
    this.bindings.length = 0;
  }
}

/** The triggers both hosts have besides the GPU ones (service/gpu-triggers.ts): the schedule. */
export function commonTriggers(ctx: TriggerContext): TriggerBinding[] {
  return [bindTrigger(new ScheduleTrigger(ctx.clock, ctx.pauses), (s) => s.schedule)];
}

/** Every trigger of this process but the GPU ones: the schedule and the host's own. */
export function processTriggers(
  pauses: PauseHost,
  o: {
    clock: Clock;
    logger: Logger;
    host?: ((ctx: TriggerContext) => TriggerBinding[]) | undefined;
  },
): TriggerBinding[] {
  const ctx: TriggerContext = {
    clock: o.clock,
    pauses: pauses.controller,
    logger: o.logger.child('pause'),
    onAvailability: (source, reason) => pauses.setAvailability(source, reason),
  };
  return [...commonTriggers(ctx), ...(o.host?.(ctx) ?? [])];
}
