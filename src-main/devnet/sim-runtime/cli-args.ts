import { parseArgs } from 'node:util';
import { parseFaultFlag, type StartupFaults } from './faults.js';
import type { SimRuntimeOptions } from './options.js';

export const USAGE = `Usage: sim-runtime [MODEL] [options]   (SIMULATED vLLM OpenAI-compatible server)

vLLM flags:
  --model NAME                  model id or path (default Qwen/Qwen3-0.6B)
  --served-model-name NAME      name clients send as "model" (default: --model)
  --host HOST                   address to bind (default 127.0.0.1)
  --port PORT                   port (default 8000; 0 picks a free one)
  --api-key KEY                 bearer key for /v1/* (or env VLLM_API_KEY)
  --max-num-seqs N              sequences running at once (default 256)
  --max-model-len N             context length, e.g. 4096 or 4k (default 4096)
  --gpu-memory-utilization F    accepted and reported (default 0.9)
  --num-gpu-blocks-override N   KV cache size in 16-token blocks (default 8192)
  --seed N                      seed for requests that bring none
  --disable-uvicorn-access-log  no line per request
Simulation flags:
  --ttft-ms MS                  time to first token once running (default 50)
  --tokens-per-second N         per sequence (default 50; 0 = answer at once)
  --instant                     same as --tokens-per-second 0
  --warmup-ms MS                /health answers 503 this long (default 3000)
  --control-token TOKEN         enables POST /_sim/fault (or env SIM_RUNTIME_CONTROL_TOKEN)
  --fault F                     crash[=ms] | hang | slow-start[=ms] | oom-at-start |
                                error-rate=<0..1>   (repeatable)
  --exit-on-crash               exit 1 when the engine dies, like vLLM does`;

// vLLM flags a launcher may pass; accepted so the command line stays compatible, then ignored.
const IGNORED_VALUE_FLAGS = [
  'dtype',
  'tensor-parallel-size',
  'pipeline-parallel-size',
  'download-dir',
  'swap-space',
  'max-num-batched-tokens',
  'quantization',
  'kv-cache-dtype',
  'uvicorn-log-level',
  'revision',
  'tokenizer',
  'tokenizer-mode',
  'generation-config',
  'load-format',
  'chat-template',
  'block-size',
  'max-logprobs',
  'hf-overrides',
];
const IGNORED_BOOLEAN_FLAGS = [
  'trust-remote-code',
  'enforce-eager',
  'enable-prefix-caching',
  'no-enable-prefix-caching',
  'enable-chunked-prefill',
  'disable-custom-all-reduce',
  'disable-log-stats',
  'disable-log-requests',
  'enable-log-requests',
];

export interface CliConfig {
  options: SimRuntimeOptions;
  exitOnCrash: boolean;
  help: boolean;
}

export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv = {}): CliConfig {
  const str = { type: 'string' } as const;
  const bool = { type: 'boolean' } as const;
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      model: str,
      'served-model-name': str,
      host: str,
      port: str,
      'api-key': str,
      'max-num-seqs': str,
      'max-model-len': str,
      'gpu-memory-utilization': str,
      'num-gpu-blocks-override': str,
      seed: str,
      'disable-uvicorn-access-log': bool,
      'ttft-ms': str,
      'tokens-per-second': str,
      instant: bool,
      'warmup-ms': str,
      'control-token': str,
      fault: { type: 'string', multiple: true },
      'exit-on-crash': bool,
      help: { type: 'boolean', short: 'h' },
      ...Object.fromEntries(IGNORED_VALUE_FLAGS.map((f) => [f, str])),
      ...Object.fromEntries(IGNORED_BOOLEAN_FLAGS.map((f) => [f, bool])),
    },
  });
  const v = values as Record<string, string | boolean | string[] | undefined>;
  const s = (name: string) => v[name] as string | undefined;
  if (positionals.length > 1)
    throw new Error(`expected at most one MODEL, got: ${positionals.join(' ')}`);

  const faults: StartupFaults = {};
  for (const f of (v.fault as string[] | undefined) ?? []) parseFaultFlag(f, faults);

  const model = s('model') ?? positionals[0];
  const options: SimRuntimeOptions = {
    model,
    servedModelName: s('served-model-name'),
    host: s('host') ?? '127.0.0.1',
    port: num('port', s('port'), { int: true }) ?? 8000,
    apiKey: s('api-key') ?? env.VLLM_API_KEY ?? null,
    maxNumSeqs: num('max-num-seqs', s('max-num-seqs'), { int: true, min: 1 }),
    maxModelLen: num('max-model-len', s('max-model-len'), { int: true, min: 1, suffix: true }),
    gpuMemoryUtilization: num('gpu-memory-utilization', s('gpu-memory-utilization')),
    numGpuBlocks: num('num-gpu-blocks-override', s('num-gpu-blocks-override'), {
      int: true,
      min: 1,
    }),
    seed: num('seed', s('seed'), { int: true, min: -Infinity }),
    ttftMs: num('ttft-ms', s('ttft-ms')),
    tokensPerSecond: v.instant ? 0 : num('tokens-per-second', s('tokens-per-second')),
    warmupMs: num('warmup-ms', s('warmup-ms')) ?? 3000,
    controlToken: s('control-token') ?? env.SIM_RUNTIME_CONTROL_TOKEN,
    faults,
    accessLog: !v['disable-uvicorn-access-log'],
  };
  // Leave unset values out so the runtime's defaults apply.
  for (const key of Object.keys(options) as Array<keyof SimRuntimeOptions>) {
    if (options[key] === undefined) delete options[key];
  }
  return { options, exitOnCrash: !!v['exit-on-crash'], help: !!v.help };
}

/** A number flag; `suffix` accepts vLLM's 4k (x1000) and 4K (x1024) forms. */
function num(
  name: string,
  raw: string | undefined,
  rule: { int?: boolean; min?: number; suffix?: boolean } = {},
): number | undefined {
  if (raw === undefined) return undefined;
  let text = raw.trim();
  let scale = 1;
  const unit = rule.suffix ? /^(.*?)([kKmMgG])$/.exec(text) : null;
  if (unit?.[1] && unit[2]) {
    text = unit[1];
    const lower = unit[2].toLowerCase();
    const base = unit[2] === lower ? 1000 : 1024;
    scale = base ** (lower === 'k' ? 1 : lower === 'm' ? 2 : 3);
  }
  const value = Number(text) * scale;
  const min = rule.min ?? 0;
  if (
    text === '' ||
    !Number.isFinite(value) ||
    (rule.int && !Number.isInteger(value)) ||
    value < min
  ) {
    const kind = rule.int ? 'an integer' : 'a number';
    throw new Error(
      `--${name} must be ${kind}${min > -Infinity ? ` >= ${min}` : ''}, got "${raw}"`,
    );
  }
  return value;
}
