// The CLI's words when the operator gets something wrong: one line and a hint instead of the
// whole help, numbers checked with the flag's name, a data folder it cannot use named with the
// fix, an old Node told what to do, and the drain said in jobs.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closestFlag, HELP_HINT } from '../../../src-main/headless/arg-errors.js';
import { assertUsableDataFolder } from '../../../src-main/headless/data-folder-check.js';
import {
  abandonedWords,
  drainingWords,
  InFlightJobs,
} from '../../../src-main/headless/drain-notice.js';
import { nodeVersionProblem } from '../../../src-main/headless/node-version.js';
import { parseOptions, USAGE, UsageError } from '../../../src-main/headless/options.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-polish-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const usageError = async (argv: string[]) => {
  const err = await parseOptions(argv, {}).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UsageError);
  return (err as Error).message;
};

describe('usage errors', () => {
  it('an unknown flag: one line naming it, the closest flag, and the hint — not the help', async () => {
    const msg = await usageError(['--profle', 'local']);
    expect(msg).toBe(`Unknown option --profle. Did you mean --profile? ${HELP_HINT}`);
    expect(msg).not.toContain(USAGE.split('\n')[0]);
    expect(await usageError(['--zzzzzz'])).toBe(`Unknown option --zzzzzz. ${HELP_HINT}`);
    expect(closestFlag('--data-dri', ['data-dir', 'dashboard-dir'])).toBe('--data-dir');
  });

  it('a flag without its value, and a stray argument', async () => {
    expect(await usageError(['--profile'])).toBe(
      `--profile needs a value (e.g. --profile <value>). ${HELP_HINT}`,
    );
    expect(await usageError(['start'])).toMatch(/^Unexpected argument "start"/);
  });

  it('numeric flags: a sentence with the flag and the value', async () => {
    expect(await usageError(['--dashboard-port', 'abc'])).toBe(
      `--dashboard-port must be a port number from 0 to 65535 (0: any free port); "abc" is not. ${HELP_HINT}`,
    );
    expect(await usageError(['--dashboard-port', '70000'])).toMatch(/"70000" is not/);
    expect(await usageError(['--ops-port', '-1'])).toMatch(
      /--ops-port needs a value; for a value starting with "-" write --ops-port=<value>/,
    );
    expect(await usageError(['--ops-port=-1'])).toMatch(/--ops-port must be .* or off/);
    expect(await usageError(['--json=yes'])).toBe(`--json takes no value. ${HELP_HINT}`);
    expect(await parseOptions(['--ops-port', 'off', '--dashboard-port', '7900'], {})).toMatchObject(
      { opsPort: 'off', dashboardPort: 7900 },
    );
    const file = join(dir, 'ports.json');
    await writeFile(file, JSON.stringify({ dashboardPort: 'x' }));
    await expect(parseOptions(['--config', file], {})).rejects.toThrow(
      /dashboardPort: a port number from 0 to 65535/,
    );
  });

  it('--runtime-url takes the address vLLM prints, with or without /v1', async () => {
    for (const url of [
      'http://10.0.0.5:8000/v1',
      'http://10.0.0.5:8000/v1/',
      'http://10.0.0.5:8000/',
    ]) {
      expect(await parseOptions(['--runtime-url', url], {})).toMatchObject({
        runtimeUrl: 'http://10.0.0.5:8000',
      });
    }
    expect(await usageError(['--runtime-url', 'not a url'])).toMatch(
      /^Invalid options: --runtime-url:/,
    );
  });
});

describe('node version', () => {
  it('24 runs; older is told what to do', () => {
    expect(nodeVersionProblem('24.21.0')).toBeNull();
    expect(nodeVersionProblem('25.0.0')).toBeNull();
    const words = nodeVersionProblem('20.20.2')!;
    expect(words).toMatch(/needs Node\.js 24; this is Node\.js 20\.20\.2/);
    expect(words).toMatch(/npm start/);
    expect(words).toMatch(/nvm install 24/);
  });
});

describe('data folder', () => {
  it('a missing folder is created; a usable one passes', async () => {
    await assertUsableDataFolder(join(dir, 'new', 'deeper'));
    await assertUsableDataFolder(join(dir, 'new'), ['local']);
  });

  it('a file instead of a folder, with the fix', async () => {
    await writeFile(join(dir, 'file'), 'x');
    await expect(assertUsableDataFolder(join(dir, 'file'))).rejects.toThrow(
      /is a file, not a folder\. Fix:/,
    );
  });

  it('read-only for this user, or owned by another user: the path and the fix', async () => {
    const ro = join(dir, 'ro');
    await mkdir(join(ro, 'local'), { recursive: true });
    const uid = process.getuid!();
    // The tests may run as root, who may write anywhere: the refusal is what access(2) says.
    const denied = (path: string) => async (p: string) => {
      if (p === path) throw Object.assign(new Error('denied'), { code: 'EACCES' });
    };
    const me = { uid, user: 'operator', canWrite: denied(join(ro, 'local')) };
    await expect(assertUsableDataFolder(ro, ['local'], me)).rejects.toThrow(
      `The data folder ${join(ro, 'local')} is read-only for operator. Fix: chmod u+rwx`,
    );
    const other = { uid: uid + 1, user: 'someone', canWrite: denied(ro) };
    await expect(assertUsableDataFolder(ro, ['local'], other)).rejects.toThrow(
      /ro belongs to another user \(uid \d+; was the node started once with sudo\?\).*sudo chown -R someone/,
    );
    const rofs = async () => {
      throw Object.assign(new Error('ro'), { code: 'EROFS' });
    };
    await expect(assertUsableDataFolder(ro, [], { ...me, canWrite: rofs })).rejects.toThrow(
      /is on a read-only file system\. Fix: pass --data-dir/,
    );
    // Writable: passes, whoever owns it.
    await assertUsableDataFolder(ro, ['local'], {
      uid: uid + 1,
      user: 'x',
      canWrite: async () => {},
    });
  });
});

describe('drain words', () => {
  it('counts and names the jobs it waits for, and those a second Ctrl-C abandons', () => {
    const jobs = new InFlightJobs();
    const ev = (kind: 'received' | 'running' | 'completed' | 'acked', jobId: string) =>
      jobs.apply({ kind, jobId, model: 'm', at: 0 });
    ev('received', 'j1');
    ev('running', 'j2');
    ev('completed', 'j1');
    ev('acked', 'j1');
    expect(jobs.list()).toEqual(['j2']);
    expect(drainingWords(jobs.list(), 60)).toBe(
      'Stopping: waiting for 1 job to finish (at most 60 s): j2. Press Ctrl-C again to stop now and abandon them (the network gives them to another node).',
    );
    expect(abandonedWords(['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toBe(
      'Stopped at once; abandoned 7 jobs: a, b, c, d, e and 2 more. The network gives them to another node.',
    );
    expect(drainingWords([], 60)).toMatch(/no job is running/);
  });
});
