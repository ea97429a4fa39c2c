import { z } from 'zod';
import { EpochMs } from './common.js';

/**
 * The operator paused the node (docs/PROTOCOL.md, "Operator pause"): not downtime, and no job
 * may be sent until a heartbeat or session no longer carries it.
 */
export const OperatorPause = z.looseObject({
  reason: z.string().max(200).describe('why, in plain words (e.g. "a game is using the GPU")'),
  sources: z
    .array(z.string().max(32))
    .max(16)
    .describe(
      'what asked for it: manual, schedule, foreign-gpu-process, fullscreen, user-active, thermal, power',
    ),
  since: EpochMs.describe('node clock: when the pause began'),
  until: EpochMs.nullable().describe('node clock: when it ends by itself; null: not known'),
});
export type OperatorPause = z.infer<typeof OperatorPause>;

const Watts = z.number().finite().positive();

/** The operator's power and thermal limits, so capacity is priced by them, not penalised. */
export const PowerEnvelope = z.looseObject({
  power_cap_w: Watts.nullable().describe(
    "the operator's cap on GPU power draw: above it the node runs fewer jobs, then pauses",
  ),
  temperature_ceiling_c: z
    .number()
    .finite()
    .nullable()
    .describe("the operator's GPU temperature ceiling: above it fewer jobs, then a pause"),
  driver_power_limit_w: Watts.nullable().describe('the power limit the GPU driver enforces now'),
  reduced_concurrency: z
    .number()
    .int()
    .positive()
    .nullable()
    .describe('jobs at once while near a limit (null: not reduced)'),
});
export type PowerEnvelope = z.infer<typeof PowerEnvelope>;
