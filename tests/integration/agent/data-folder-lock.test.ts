// One process per data folder, proven with two real headless CLI processes on one folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let root: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'folder-lock-'));
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

function cli(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.RESULTITY_KEY_PASSPHRASE;
  delete env.RESULTITY_KEY_PASSPHRASE_FILE;
  delete env.CREDENTIALS_DIRECTORY;
  delete env.RESULTITY_DATA_DIR;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/headless/cli.ts', ...args], {
    cwd: process.cwd(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  let stderr = '';
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (l) =>
    lines.push(l),
  );
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const waitFor = async (text: string, ms = 40_000) => {
    const until = Date.now() + ms;
    while (!lines.some((l) => l.includes(text))) {
      if (Date.now() > until || child.exitCode !== null) {
        throw new Error(`no "${text}" within ${ms} ms; stderr: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, lines, exit, waitFor, stderr: () => stderr };
}

describe('data folder lock (two real processes)', () => {
  it('refuses a second node on the same folder at once, naming the first one’s PID', async () => {
    const data = join(root, 'data');
    const first = cli(['--json', '--data-dir', data, '--ops-port', 'off']);
    await first.waitFor('"state":"active"');
    const lockFile = join(data, 'local', 'node.lock');
    expect((await stat(lockFile)).mode & 0o777).toBe(0o600);

    const started = Date.now();
    const second = cli(['--data-dir', data, '--ops-port', 'off']);
    expect(await second.exit).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(second.stderr()).toContain(
      `Already running (PID ${first.child.pid}) on this folder: ${join(data, 'local')}`,
    );
    // The first node is untouched and still serving.
    expect(first.child.exitCode).toBeNull();

    first.child.kill('SIGINT');
    expect(await first.exit).toBe(0);
    await expect(stat(lockFile)).rejects.toThrow(/ENOENT/);
  }, 90_000);

  it('takes over the lock of a node that was killed (stale PID)', async () => {
    const data = join(root, 'killed');
    const first = cli(['--json', '--data-dir', data, '--ops-port', 'off']);
    await first.waitFor('"state":"active"');
    first.child.kill('SIGKILL');
    await first.exit;
    await stat(join(data, 'local', 'node.lock')); // left behind by the crash

    const second = cli(['--json', '--data-dir', data, '--ops-port', 'off']);
    await second.waitFor('"state":"active"');
    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
  }, 90_000);
});
