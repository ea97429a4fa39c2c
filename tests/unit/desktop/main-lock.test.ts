import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The real main.ts with a fake 'electron' (as main-smoke.test.ts): a data folder another live
// process holds is refused, and the refusal is shown in a window, not only on a console.
const repo = resolve(import.meta.dirname, '../../..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'main-lock-'));
  await build({
    entryPoints: [join(repo, 'src-main/desktop/main.ts')],
    outfile: join(dir, 'main.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    packages: 'external',
    external: ['electron'],
    logLevel: 'warning',
  });
}, 40_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('desktop main.ts on a data folder another process holds', () => {
  it('shows "Already running (PID n) on this folder" and exits 1', async () => {
    const data = join(dir, 'data');
    // This test process is alive: its PID in the testnet folder's lock is a live holder.
    await mkdir(join(data, 'testnet'), { recursive: true });
    await writeFile(
      join(data, 'testnet', 'node.lock'),
      JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }),
    );
    const child = spawn(
      process.execPath,
      ['-r', join(repo, 'tests/helpers/fake-electron-module.cjs'), join(dir, 'main.cjs')],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: join(dir, 'home'),
          RESULTITY_DATA_DIR: data,
          NODE_PATH: join(repo, 'node_modules'),
          FAKE_APP_PATH: repo,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    const code = await new Promise<number | null>((done) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        done(c);
      });
    });
    const lines = text
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.type === 'errorBox')).toMatchObject({
      title: 'Resultity Node could not start',
      content: expect.stringContaining(`Already running (PID ${process.pid}) on this folder`),
    });
    expect(lines.some((l) => l.type === 'window')).toBe(false);
    expect(code).toBe(1);
  }, 40_000);
});
