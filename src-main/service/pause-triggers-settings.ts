import { z } from 'zod';
import type { PauseTriggersDto } from '../contract/index.js';

const DAY = 'A day is a number from 0 (Sunday) to 6 (Saturday).';

/** Local clock time "HH:MM", 00:00–23:59. */
const ClockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'A time must be written HH:MM, from 00:00 to 23:59.');

/** One schedule window; `to` before `from` runs past midnight into the next day. */
export const PauseWindowSchema = z
  .object({
    days: z
      .array(z.number().int(DAY).min(0, DAY).max(6, DAY))
      .min(1, 'A schedule window needs at least one day.')
      .max(7)
      .refine((d) => new Set(d).size === d.length, 'A day is listed twice in a schedule window.'),
    from: ClockTime,
    to: ClockTime,
  })
  .strict()
  .refine((w) => w.from !== w.to, {
    message: 'A schedule window needs different start and end times.',
    path: ['to'],
  });

/** Which automatic triggers may pause the node, with their values. */
export const PauseTriggersSchema = z
  .object({
    otherGpuWork: z.boolean(),
    fullscreen: z.boolean(),
    userActive: z
      .object({ enabled: z.boolean(), idleMinutes: z.number().int().min(1).max(240) })
      .strict(),
    schedule: z
      .object({ enabled: z.boolean(), windows: z.array(PauseWindowSchema).max(28) })
      .strict(),
    thermal: z
      .object({ enabled: z.boolean(), maxTempC: z.number().int().min(50).max(100) })
      .strict(),
    power: z
      .object({ enabled: z.boolean(), capW: z.number().int().min(30).max(2000).nullable() })
      .strict()
      .refine((p) => !p.enabled || p.capW !== null, {
        message: 'Turning on the power cap needs a number of watts.',
        path: ['capW'],
      }),
  })
  .strict() satisfies z.ZodType<PauseTriggersDto>;

/**
 * Desktop defaults: the operator's own use of the GPU comes first (games, full-screen apps, heat);
 * idleness and a schedule are the operator's choice. 83 °C is below where consumer NVIDIA cards
 * start to throttle.
 */
export const DESKTOP_PAUSE_WHEN: Readonly<PauseTriggersDto> = Object.freeze({
  otherGpuWork: true,
  fullscreen: true,
  userActive: { enabled: false, idleMinutes: 5 },
  schedule: { enabled: false, windows: [] },
  thermal: { enabled: true, maxTempC: 83 },
  power: { enabled: false, capW: null },
});

/** Headless defaults: a server lends its GPU unless the operator says otherwise (all off). */
export const HEADLESS_PAUSE_WHEN: Readonly<PauseTriggersDto> = Object.freeze({
  otherGpuWork: false,
  fullscreen: false,
  userActive: { enabled: false, idleMinutes: 5 },
  schedule: { enabled: false, windows: [] },
  thermal: { enabled: false, maxTempC: 83 },
  power: { enabled: false, capW: null },
});

export function defaultPauseWhen(host: 'desktop' | 'headless'): PauseTriggersDto {
  return structuredClone(host === 'desktop' ? DESKTOP_PAUSE_WHEN : HEADLESS_PAUSE_WHEN);
}
