import { z } from 'zod';

/**
 * Failure injection. At launch through `--fault name[=value]` flags; at run time through
 * `POST /_sim/fault` with the control token. A dead engine stays dead (as in vLLM): `clear`
 * lifts the others (`hang`, `error-rate`, `lone-surrogate`, `runaway`, `metrics-hang`).
 * Not vLLM behaviours but broken runtimes a node must survive: `lone-surrogate` puts a lone
 * UTF-16 surrogate in every answer, `runaway` streams past max_tokens without end,
 * `metrics-hang` never answers /metrics.
 */
export const FaultCommand = z.discriminatedUnion('fault', [
  z.object({ fault: z.literal('crash') }),
  z.object({ fault: z.literal('hang') }),
  z.object({
    fault: z.literal('slow-start'),
    durationMs: z.number().int().min(0).max(86_400_000).default(120_000),
  }),
  z.object({ fault: z.literal('oom-at-start') }),
  z.object({ fault: z.literal('error-rate'), rate: z.number().min(0).max(1) }),
  z.object({ fault: z.literal('lone-surrogate') }),
  z.object({ fault: z.literal('runaway') }),
  z.object({ fault: z.literal('metrics-hang') }),
  z.object({ fault: z.literal('clear') }),
]);
export type FaultCommand = z.infer<typeof FaultCommand>;

/** Faults present from process start. */
export interface StartupFaults {
  hang?: boolean;
  errorRate?: number;
  /** Warm-up length instead of the normal one. */
  slowStartMs?: number;
  /** The engine dies this long after it became ready. */
  crashAfterMs?: number;
  oomAtStart?: boolean;
}

export const DEFAULT_SLOW_START_MS = 600_000;

/** Parses one `--fault` flag: crash[=afterMs], hang, slow-start[=ms], oom-at-start, error-rate=r. */
export function parseFaultFlag(flag: string, into: StartupFaults = {}): StartupFaults {
  const [name, value] = flag.split('=', 2) as [string, string | undefined];
  const number = (fallback?: number): number => {
    if (value === undefined && fallback !== undefined) return fallback;
    const n = Number(value);
    if (value === undefined || !Number.isFinite(n) || n < 0) {
      throw new Error(`--fault ${name} needs a non-negative number, e.g. --fault ${name}=1000`);
    }
    return n;
  };
  switch (name) {
    case 'crash':
      into.crashAfterMs = number(0);
      break;
    case 'hang':
      into.hang = true;
      break;
    case 'slow-start':
      into.slowStartMs = number(DEFAULT_SLOW_START_MS);
      break;
    case 'oom-at-start':
      into.oomAtStart = true;
      break;
    case 'error-rate': {
      const rate = number();
      if (rate > 1) throw new Error('--fault error-rate takes a share between 0 and 1, e.g. 0.2');
      into.errorRate = rate;
      break;
    }
    default:
      throw new Error(
        `unknown --fault "${flag}"; use crash[=ms], hang, slow-start[=ms], oom-at-start or error-rate=<0..1>`,
      );
  }
  return into;
}

/** The faults that change how requests are answered. */
export class FaultState {
  hang = false;
  loneSurrogate = false;
  runaway = false;
  metricsHang = false;
  private rate = 0;
  private seen = 0;

  get errorRate(): number {
    return this.rate;
  }

  set errorRate(rate: number) {
    this.rate = rate;
    this.seen = 0;
  }

  /** Deterministic share: exactly floor(n * rate) of the next n requests fail. */
  nextRequestFails(): boolean {
    if (this.rate <= 0) return false;
    const before = Math.floor(this.seen * this.rate);
    this.seen++;
    return Math.floor(this.seen * this.rate) > before;
  }

  clear(): void {
    this.hang = false;
    this.loneSurrogate = false;
    this.runaway = false;
    this.metricsHang = false;
    this.errorRate = 0;
  }
}
