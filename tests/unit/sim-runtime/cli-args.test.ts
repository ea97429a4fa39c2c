import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../../src-main/devnet/sim-runtime/cli-args.js';

describe('sim runtime CLI arguments', () => {
  it('maps vllm serve flags and sim flags to options', () => {
    const { options, exitOnCrash } = parseCliArgs([
      '--model',
      'org/m',
      '--served-model-name',
      'm',
      '--host',
      '0.0.0.0',
      '--port',
      '8001',
      '--api-key',
      'k',
      '--max-num-seqs',
      '8',
      '--max-model-len',
      '8k',
      '--gpu-memory-utilization',
      '0.85',
      '--ttft-ms',
      '10',
      '--tokens-per-second',
      '30',
      '--warmup-ms',
      '0',
      '--seed=-3',
      '--control-token',
      'c',
      '--fault',
      'error-rate=0.25',
      '--fault',
      'crash=100',
      '--exit-on-crash',
      '--dtype',
      'auto',
      '--enforce-eager',
    ]);
    expect(exitOnCrash).toBe(true);
    expect(options).toEqual({
      model: 'org/m',
      servedModelName: 'm',
      host: '0.0.0.0',
      port: 8001,
      apiKey: 'k',
      maxNumSeqs: 8,
      maxModelLen: 8000,
      gpuMemoryUtilization: 0.85,
      seed: -3,
      ttftMs: 10,
      tokensPerSecond: 30,
      warmupMs: 0,
      controlToken: 'c',
      faults: { errorRate: 0.25, crashAfterMs: 100 },
      accessLog: true,
    });
  });

  it('has vLLM-like defaults: 127.0.0.1:8000, no key, a few seconds of warm-up', () => {
    const { options } = parseCliArgs([]);
    expect(options).toMatchObject({ host: '127.0.0.1', port: 8000, apiKey: null, warmupMs: 3000 });
    expect(parseCliArgs(['--max-model-len', '4K']).options.maxModelLen).toBe(4096);
    expect(parseCliArgs(['--instant']).options.tokensPerSecond).toBe(0);
    expect(parseCliArgs(['pos/model']).options.model).toBe('pos/model');
  });

  it('reads VLLM_API_KEY and SIM_RUNTIME_CONTROL_TOKEN from the environment', () => {
    const { options } = parseCliArgs([], { VLLM_API_KEY: 'e', SIM_RUNTIME_CONTROL_TOKEN: 't' });
    expect(options).toMatchObject({ apiKey: 'e', controlToken: 't' });
  });

  it('explains bad values', () => {
    expect(() => parseCliArgs(['--max-num-seqs', '0'])).toThrow(
      /--max-num-seqs must be an integer >= 1/,
    );
    expect(() => parseCliArgs(['--port', 'x'])).toThrow(/--port/);
    expect(() => parseCliArgs(['--fault', 'melt'])).toThrow(/unknown --fault "melt"/);
    expect(() => parseCliArgs(['--fault', 'error-rate=2'])).toThrow(/between 0 and 1/);
    expect(() => parseCliArgs(['--bogus'])).toThrow();
  });
});
