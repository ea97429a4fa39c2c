import { z } from 'zod';
import { NonNegInt } from './common.js';

const Num = z.number().finite();

/** Static description of a GPU, sent at registration. */
export const GpuInfo = z.looseObject({
  index: NonNegInt,
  uuid: z.string().max(128),
  name: z.string().max(200),
  memory_total_mb: NonNegInt,
  driver_version: z.string().max(64).nullable(),
  compute_cap: z.string().max(16).nullable(),
});
export type GpuInfo = z.infer<typeof GpuInfo>;

export const HardwareProfile = z.looseObject({
  os: z.string().max(64),
  arch: z.string().max(32),
  cpu_model: z.string().max(200),
  cpu_cores: z.number().int().positive(),
  memory_total_mb: NonNegInt,
  gpus: z.array(GpuInfo).max(64),
  docker_version: z.string().max(64).nullable(),
});
export type HardwareProfile = z.infer<typeof HardwareProfile>;

/** Live GPU reading; null where nvidia-smi reports [N/A]. */
export const GpuStatus = z.looseObject({
  index: NonNegInt,
  utilization_pct: Num.nullable(),
  memory_used_mb: Num.nullable(),
  memory_total_mb: Num.nullable(),
  temperature_c: Num.nullable(),
  power_w: Num.nullable(),
});
export type GpuStatus = z.infer<typeof GpuStatus>;

/** What the registration test task measured on this machine (and later re-checks). */
export const BenchmarkReport = z.looseObject({
  model: z.string().max(200).describe('the served model the test ran on'),
  tokens_per_second: Num.nonnegative().describe(
    'completion tokens per second after the first token',
  ),
  ttft_ms: NonNegInt.nullable().describe(
    "time to first token, from the runtime's start on the job",
  ),
  completion_tokens: NonNegInt,
  measured_at: NonNegInt.describe('node clock, ms'),
  kind: z
    .enum(['registration', 'recheck'])
    .describe(
      "`registration`: the test task after this start's registration; `recheck`: a later test task",
    ),
});
export type BenchmarkReport = z.infer<typeof BenchmarkReport>;
