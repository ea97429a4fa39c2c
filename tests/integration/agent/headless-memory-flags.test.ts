// The headless CLI restarts itself once with the memory settings of memory-flags.ts (same pid,
// process.execve) before it loads anything large: proven on the real bundle, as launched.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headlessOptions } from '../../../scripts/build-options.mjs';
import {
  NODE_MEMORY_ENV,
  NODE_V8_FLAGS,
  TUNED_ENV,
} from '../../../src-main/core/system/memory-flags.js';

const run = promisify(execFile);
let root: string;
let out: string;
let hook: string;
let log: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'headless-flags-'));
  await mkdir('dist', { recursive: true });
  out = resolve(await mkdtemp(join('dist', 'headless-flags-test-')));
  await build({ ...headlessOptions(out), logLevel: 'error' });
  // Runs in every process image that loads it: records its pid, V8 flags and malloc settings.
  hook = join(root, 'record.mjs');
  log = join(root, 'record.log');
  await writeFile(
    hook,
    `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(log)}, JSON.stringify({ pid: process.pid, execArgv: process.execArgv, malloc: Object.fromEntries(${JSON.stringify(Object.keys(NODE_MEMORY_ENV))}.map((k) => [k, process.env[k] ?? null])) }) + '\\n');
`,
  );
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
});

const records = async () =>
  (await readFile(log, 'utf8'))
    .trim()
    .split('\n')
    .map(
      (l) =>
        JSON.parse(l) as {
          pid: number;
          execArgv: string[];
          malloc: Record<string, string | null>;
        },
    );

describe('headless launcher memory settings', () => {
  it('re-executes itself once, same pid, with the V8 flags and the malloc settings', async () => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME };
    const { stdout } = await run(
      process.execPath,
      ['--import', hook, join(out, 'cli.mjs'), '--version'],
      { env },
    );
    expect(stdout).toMatch(/^resultity-node /);
    const [first, second, ...rest] = await records();
    expect(rest).toEqual([]);
    expect(first!.execArgv).not.toContain(NODE_V8_FLAGS[0]);
    expect(second!.pid).toBe(first!.pid);
    for (const flag of NODE_V8_FLAGS) expect(second!.execArgv).toContain(flag);
    expect(second!.execArgv).toContain('--import'); // the launcher's own flags are kept
    expect(second!.malloc).toEqual(NODE_MEMORY_ENV);
  });

  it(`runs as started when ${TUNED_ENV} is set`, async () => {
    await rm(log, { force: true });
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, [TUNED_ENV]: '1' };
    await run(process.execPath, ['--import', hook, join(out, 'cli.mjs'), '--version'], { env });
    const all = await records();
    expect(all).toHaveLength(1);
    expect(all[0]!.execArgv).not.toContain(NODE_V8_FLAGS[0]);
  });
});
