import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleSimRuntime } from '../../../src-main/devnet/sim-runtime/image.js';

interface Run {
  child: ChildProcess;
  output: () => string;
  url: Promise<string>;
  exit: Promise<number | null>;
}

describe('sim runtime CLI (bundled single file)', () => {
  let dir: string;
  let bundle: string;
  const running: ChildProcess[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sim-cli-'));
    bundle = await bundleSimRuntime(path.join(dir, 'sim-runtime.mjs'));
  });
  afterEach(() => {
    for (const c of running.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  function run(args: string[], env: NodeJS.ProcessEnv = {}): Run {
    const child = spawn(process.execPath, [bundle, '--port', '0', ...args], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.push(child);
    let out = '';
    const url = new Promise<string>((resolve, reject) => {
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = /Starting vLLM API server 0 on (http:\/\/\S+)/.exec(out);
        if (m?.[1]) resolve(m[1]);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', () => reject(new Error(`exited before listening:\n${out}`)));
    });
    url.catch(() => {});
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, output: () => out, url, exit };
  }

  it('prints a SIMULATED version line and its URL, serves with --api-key, stops on SIGTERM', async () => {
    const r = run([
      '--model',
      'org/m',
      '--served-model-name',
      'm',
      '--api-key',
      'k1',
      '--warmup-ms',
      '0',
    ]);
    const url = await r.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(r.output()).toMatch(/vLLM API server version 0\.11\.0 \(SIMULATED/);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer k1', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'm',
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 3,
      }),
    });
    expect(res.status).toBe(200);
    expect((await fetch(`${url}/v1/models`)).status).toBe(401);
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
  });

  it('takes the key from VLLM_API_KEY and the model as a positional argument', async () => {
    const r = run(['org/positional', '--warmup-ms', '0'], { VLLM_API_KEY: 'env-key' });
    const url = await r.url;
    const models = await fetch(`${url}/v1/models`, {
      headers: { authorization: 'Bearer env-key' },
    });
    expect((await models.json()).data[0].id).toBe('org/positional');
  });

  it('oom-at-start prints the CUDA OOM error and exits 1', async () => {
    const r = run(['--fault', 'oom-at-start', '--warmup-ms', '0']);
    expect(await r.exit).toBe(1);
    expect(r.output()).toContain('torch.OutOfMemoryError: CUDA out of memory. Tried to allocate');
    expect(r.output()).toContain('RuntimeError: Engine core initialization failed.');
  });

  it('oom-at-start with a small memory share prints the no-cache-blocks error', async () => {
    const r = run([
      '--fault',
      'oom-at-start',
      '--gpu-memory-utilization',
      '0.2',
      '--warmup-ms',
      '0',
    ]);
    expect(await r.exit).toBe(1);
    expect(r.output()).toContain(
      'ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.',
    );
  });

  it('--exit-on-crash: the process ends non-zero when the engine dies', async () => {
    const r = run(['--fault', 'crash=400', '--exit-on-crash', '--warmup-ms', '0']);
    const url = await r.url;
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(await r.exit).toBe(1);
    expect(r.output()).toContain('EngineCore encountered a fatal error.');
  });

  it('rejects an unknown flag with exit code 2 and the usage', async () => {
    const r = run(['--no-such-flag']);
    expect(await r.exit).toBe(2);
    expect(r.output()).toMatch(/Usage: sim-runtime/);
  });
});
