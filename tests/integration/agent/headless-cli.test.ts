import { spawn, type ChildProcess } from 'node:child_process';
import { access, chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../helpers/free-port.js';
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

function runCli(args: string[], extraEnv: Record<string, string> = {}): Run {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.RESULTITY_KEY_PASSPHRASE;
  delete env.RESULTITY_KEY_PASSPHRASE_FILE;
  delete env.CREDENTIALS_DIRECTORY;
  delete env.RESULTITY_DATA_DIR;
  Object.assign(env, extraEnv);
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
    // Its own free port: nodes of other test files run in parallel on the default port, and the
    // restart below must find the port its link file saved still free.
    const run = runCli([
      '--json',
      '--data-dir',
      dataDir(),
      '--dashboard-port',
      String(await freePort()),
    ]);
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

    // stdout is a pipe (as under systemd): the dashboard token is not printed, only where the
    // 0600 link file is; the file holds the full link.
    const dashboard = run.events.find((e) => e.type === 'dashboard')!;
    expect(String(dashboard.url)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const linkFile = String(dashboard.linkFile);
    expect(linkFile).toBe(join(dataDir(), 'local', 'dashboard-link'));
    const link = (await readFile(linkFile, 'utf8')).trim();
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43}$/);
    expect(link.startsWith(String(dashboard.url))).toBe(true);
    expect((await stat(linkFile)).mode & 0o777).toBe(0o600);
    const token = link.split('#token=')[1]!;
    expect(run.events.map((e) => JSON.stringify(e)).join('\n')).not.toContain(token);

    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
    // The link file stays: the next start serves the same link (same token and port).
    expect((await readFile(linkFile, 'utf8')).trim()).toBe(link);
    expect(states(run).slice(-2)).toEqual(['draining', 'stopped']);
    expect(run.events.at(-1)).toMatchObject({ type: 'exit', code: 0, reason: 'stopped by SIGINT' });
  }, 60_000);

  it('restarts on the same data folder without registering again, with the same dashboard link (SIGTERM exits 0)', async () => {
    const linkFile = join(dataDir(), 'local', 'dashboard-link');
    const before = (await readFile(linkFile, 'utf8')).trim();
    const run = runCli(['--json', '--data-dir', dataDir()]);
    await run.waitFor((e) => e.type === 'state' && e.state === 'active', 'active state');
    expect(states(run)).not.toContain('registering');
    expect((await readFile(linkFile, 'utf8')).trim()).toBe(before);
    expect(String(run.events.find((e) => e.type === 'dashboard')?.url)).toBe(
      before.replace(/#token=.*$/, ''),
    );
    // Start-up may still be going on (the dashboard is not up yet): the CLI drains all the same.
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  }, 60_000);

  it('takes the key passphrase from a systemd credential, never creating a file of its own', async () => {
    const creds = join(root, 'credentials');
    await mkdir(creds, { recursive: true });
    const credential = join(creds, 'resultity-key-passphrase');
    await writeFile(credential, 'a long passphrase from LoadCredential\n');
    await chmod(credential, 0o400); // as systemd provides it
    const data = join(root, 'data-credential');
    const run = runCli(['--json', '--data-dir', data], { CREDENTIALS_DIRECTORY: creds });
    // The dashboard opens before the node starts (its port is checked before registering).
    await run.waitFor((e) => e.type === 'started', 'started');
    const loaded = run.events.find(
      (e) => e.type === 'log' && String(e.message).startsWith('Created node key'),
    );
    expect(String(loaded?.message)).toMatch(
      /protected by the systemd credential resultity-key-passphrase\.$/,
    );
    await expect(access(join(data, 'local', 'keys', 'node-key.secret'))).rejects.toThrow(/ENOENT/);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  }, 60_000);

  it('a RESULTITY_KEY_PASSPHRASE_FILE that does not exist stops the start with a clear error', async () => {
    const missing = join(root, 'no-such-passphrase');
    const run = runCli(['--json', '--data-dir', join(root, 'data-missing')], {
      RESULTITY_KEY_PASSPHRASE_FILE: missing,
    });
    expect(await run.exit).toBe(1);
    expect(String(run.events.at(-1)?.reason)).toContain(
      `the passphrase file ${missing} (RESULTITY_KEY_PASSPHRASE_FILE) does not exist`,
    );
  }, 30_000);

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
