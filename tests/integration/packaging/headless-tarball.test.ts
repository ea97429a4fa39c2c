// The standalone headless install: the release tarball unpacked into a temp folder runs with
// its own Node runtime, from outside the checkout, with a PATH that holds no Node at all.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageHeadless } from '../../../deploy/headless/package-headless.js';
import { DEVNET_MODEL } from '../../../src-main/devnet/io/default-snapshot.js';
import { startDevnet, type Devnet } from '../../../src-main/devnet/io/devnet.js';
import { startSimRuntime, type SimRuntime } from '../../../src-main/devnet/sim-runtime/server.js';
import { joinNetworkFlags } from '../../helpers/join-flags.js';
import { KEY_PASSPHRASE_CREDENTIAL } from '../../../src-main/core/identity/index.js';
import { AGENT_VERSION } from '../../../src-main/headless/version.js';
import { startProcess, stopAll, waitUntil } from '../../helpers/processes.js';
import { jsonEvents, rendererForRelease, submitJobs } from '../../helpers/release.js';

const run = promisify(execFile);

let work: string;
let launcher: string;
/** A PATH with only what the launcher calls: no node, no npm, nothing of the checkout. */
let bareBin: string;
let devnet: Devnet;
let sim: SimRuntime;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'rn-tarball-'));
  const tarball = await packageHeadless({
    outDir: path.join(work, 'release'),
    rendererDir: await rendererForRelease(),
  });
  expect(path.basename(tarball)).toBe(`resultity-node-headless-${AGENT_VERSION}-linux-x64.tar.gz`);
  const opt = path.join(work, 'opt');
  await mkdir(opt);
  await run('tar', ['-xzf', tarball, '-C', opt]);
  launcher = path.join(opt, 'resultity-node', 'bin', 'resultity-node');
  bareBin = path.join(work, 'bin');
  await mkdir(bareBin);
  for (const tool of ['sh', 'uname', 'readlink', 'dirname']) {
    const { stdout } = await run('sh', ['-c', `command -v ${tool}`]);
    await symlink(stdout.trim(), path.join(bareBin, tool));
  }
  devnet = await startDevnet({ stateDir: path.join(work, 'devnet') });
  sim = await startSimRuntime({
    warmupMs: 0,
    model: DEVNET_MODEL.name,
    servedModelName: DEVNET_MODEL.served_name,
  });
}, 120_000);

afterAll(async () => {
  await stopAll();
  await sim?.close();
  await devnet?.close();
  await rm(work, { recursive: true, force: true });
});

const bareEnv = () => ({ PATH: bareBin, HOME: path.join(work, 'home') });

describe('the headless release tarball', () => {
  it('prints its version with the bundled Node and no Node on PATH', async () => {
    await expect(run('sh', ['-c', 'command -v node'], { env: bareEnv() })).rejects.toThrow();
    const { stdout } = await run(launcher, ['--version'], { env: bareEnv(), cwd: work });
    expect(stdout).toBe(`resultity-node ${AGENT_VERSION}\n`);
  });

  it('says plainly that another platform is not supported', async () => {
    const fake = path.join(work, 'fake-mac');
    await mkdir(fake);
    await writeFile(
      path.join(fake, 'uname'),
      '#!/bin/sh\ncase "$1" in -s) echo Darwin;; -m) echo arm64;; esac\n',
      { mode: 0o755 },
    );
    const err = await run(launcher, ['--version'], {
      env: { ...bareEnv(), PATH: `${fake}:${bareBin}` },
    }).catch((e: { code: number; stderr: string; stdout: string }) => e);
    expect(err).toMatchObject({ code: 1, stdout: '' });
    expect((err as { stderr: string }).stderr).toMatch(
      /runs on Linux x86_64 only, and this machine is Darwin arm64/,
    );
  });

  it('joins a devnet with its passphrase as a systemd credential, serves submitted jobs and drains on SIGTERM', async () => {
    // What systemd's LoadCredential= hands the unit: a private read-only file.
    const credentials = path.join(work, 'credentials');
    await mkdir(credentials, { mode: 0o700 });
    const credential = path.join(credentials, KEY_PASSPHRASE_CREDENTIAL);
    await writeFile(credential, 'the operator keeps this\n', { mode: 0o400 });
    const node = startProcess({
      name: 'tarball-node',
      command: launcher,
      cwd: work,
      env: { ...bareEnv(), CREDENTIALS_DIRECTORY: credentials },
      args: [
        '--json',
        '--ops-port',
        '0',
        '--data-dir',
        path.join(work, 'data'),
        ...joinNetworkFlags(devnet, sim),
      ],
    });
    await node.waitForLine(/"state":"active"/, 30_000);
    expect(node.output(2000)).toContain(
      `protected by the systemd credential ${KEY_PASSPHRASE_CREDENTIAL}.`,
    );
    const ids = await submitJobs(devnet.url, devnet.adminToken, 3);
    await waitUntil(
      () =>
        jsonEvents(node.output(2000)).filter(
          (e) => e.type === 'job' && e.kind === 'completed' && ids.includes(e.jobId as string),
        ).length === 3,
      'the three submitted jobs completed',
      30_000,
    );
    // The dashboard is served from the tarball's own copy of the built renderer.
    const dash = jsonEvents(node.output(2000)).find((e) => e.type === 'dashboard');
    const page = await fetch(String(dash?.url).replace(/#.*/, ''));
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="root">/);
    expect(await node.stop(20_000)).toEqual({ code: 0, signal: null });
  }, 90_000);
});
