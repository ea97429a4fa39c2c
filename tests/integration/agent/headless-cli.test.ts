import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimRuntime, type SimRuntime } from '../../../src-main/devnet/sim-runtime/server.js';

interface Run {
  child: ChildProcess;
  events: Record<string, unknown>[];
  stderr: string[];
  exit: Promise<number | null>;
  waitFor(pred: (e: Record<string, unknown>) => boolean, what: string, ms?: number): Promise<void>;
}

let root: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'headless-cli-'));
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

function runCli(args: string[]): Run {
  const env = { ...process.env };
  delete env.RESULTITY_KEY_PASSPHRASE;
  delete env.RESULTITY_DATA_DIR;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/headless/cli.ts', ...args], {
    cwd: process.cwd(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const events: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    events.push(JSON.parse(line) as Record<string, unknown>); // every stdout line must be JSON
    for (const w of waiters) w();
  });
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (l) =>
    stderr.push(l),
  );
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    events,
    stderr,
    exit,
    waitFor: (pred, what, ms = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (events.some(pred)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${what} within ${ms} ms; stderr: ${stderr.join('\n')}`));
        }, ms);
        waiters.add(check);
        void exit.then(() => setTimeout(check, 50));
        check();
      }),
  };
}

/** State names in order, a reason-only change (same name) counted once. */
const states = (r: Run) =>
  r.events
    .filter((e) => e.type === 'state')
    .map((e) => e.state)
    .filter((name, i, all) => i === 0 || all[i - 1] !== name);

describe('headless CLI (real process)', () => {
  const dataDir = () => join(root, 'data');

  it('--json: one typed event per line, reaches active within 30 s, SIGINT drains and exits 0', async () => {
    const run = runCli(['--json', '--data-dir', dataDir()]);
    await run.waitFor((e) => e.type === 'state' && e.state === 'active', 'active state');
    for (const e of run.events) expect(typeof e.type).toBe('string');
    expect(states(run).slice(0, 4)).toEqual(['initialised', 'registering', 'testing', 'active']);
    const active = run.events.find((e) => e.state === 'active');
    expect(active).toMatchObject({ type: 'state', state: 'active', reason: expect.any(String) });
    expect(run.events.find((e) => e.type === 'started')).toMatchObject({
      network: 'local',
      simulated: true,
    });
    expect(
      run.events.some((e) => e.type === 'log' && String(e.message).includes('SIMULATED runtime')),
    ).toBe(true);

    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
    expect(states(run).slice(-2)).toEqual(['draining', 'stopped']);
    expect(run.events.at(-1)).toMatchObject({ type: 'exit', code: 0, reason: 'stopped by SIGINT' });
  }, 60_000);

  it('restarts on the same data folder without registering again (SIGTERM exits 0)', async () => {
    const run = runCli(['--json', '--data-dir', dataDir()]);
    await run.waitFor((e) => e.type === 'state' && e.state === 'active', 'active state');
    expect(states(run)).not.toContain('registering');
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  }, 60_000);

  it('refuses testnet without a real runtime, and the simulated runtime on testnet', async () => {
    const none = runCli(['--json', '--profile', 'testnet', '--data-dir', dataDir()]);
    expect(await none.exit).toBe(2);
    expect(String(none.events.at(-1)?.reason)).toContain('needs a real runtime');

    const sim: SimRuntime = await startSimRuntime({ warmupMs: 0 });
    try {
      const refused = runCli([
        '--json',
        '--profile',
        'testnet',
        '--runtime-url',
        sim.url,
        '--data-dir',
        dataDir(),
      ]);
      expect(await refused.exit).toBe(1);
      expect(String(refused.events.at(-1)?.reason)).toMatch(
        /SIMULATED runtime, which is refused on testnet/,
      );
    } finally {
      await sim.close();
    }
  }, 60_000);

  it('validates a --config file with zod and explains what is wrong', async () => {
    const file = join(root, 'bad.json');
    await writeFile(file, JSON.stringify({ profile: 'moon', logLevel: 'loud' }));
    const run = runCli(['--config', file]);
    expect(await run.exit).toBe(2);
    expect(run.stderr.join('\n')).toMatch(/profile/);
  }, 30_000);
});
