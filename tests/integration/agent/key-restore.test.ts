// Backup → restore → the same node on the same network: a node backs its key up through the
// dashboard command (headless: the file comes back for the browser to download), then a fresh
// data folder imports it with the real CLI (`--import-key`) and registers on the same devnet
// with the same node ID. Replacing a different key needs --force and keeps the old file aside.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  identityPaths,
  loadOrCreateIdentity,
  PassphraseFileVault,
} from '../../../src-main/core/identity/index.js';
import { resolveDataDirs } from '../../../src-main/core/store/data-dirs.js';
import { runHeadless } from '../../../src-main/headless/run-headless.js';
import { silentReporter, startDevnetWithSim, type DevnetWithSim } from './devnet-with-sim.js';
import { joinNetworkFlags } from '../../helpers/join-flags.js';

const PASS = 'violet canyon tractor mellow 42';
let root: string;
let devnet: DevnetWithSim['devnet'];
let sim: DevnetWithSim['sim'];
let setup: DevnetWithSim | undefined;
const children: ChildProcess[] = [];

beforeAll(async () => {
  setup = await startDevnetWithSim('key-restore-');
  ({ root, devnet, sim } = setup);
}, 30_000);
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await setup?.close();
});

const joinFlags = () => [
  '--profile',
  'local',
  ...joinNetworkFlags(devnet, sim),
  '--ops-port',
  'off',
];

function cli(args: string[], extraEnv: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
  for (const v of [
    'RESULTITY_KEY_PASSPHRASE',
    'RESULTITY_KEY_PASSPHRASE_FILE',
    'CREDENTIALS_DIRECTORY',
  ])
    delete env[v];
  if (sim.apiKey) env.RESULTITY_RUNTIME_API_KEY = sim.apiKey;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-main/headless/cli.ts', ...args], {
    cwd: process.cwd(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const events: Record<string, unknown>[] = [];
  let stderr = '';
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (l) =>
    events.push(JSON.parse(l) as Record<string, unknown>),
  );
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const waitFor = async (pred: (e: Record<string, unknown>) => boolean, what: string) => {
    const until = Date.now() + 40_000;
    while (!events.some(pred)) {
      if (Date.now() > until || child.exitCode !== null)
        throw new Error(
          `no ${what}; events: ${JSON.stringify(events.slice(-5))} stderr: ${stderr}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, events, exit, waitFor };
}

async function nodesOnDevnet() {
  return (await devnet.admin.get('/v1/admin/nodes')) as {
    nodes: { node_id: string; status: string; session: unknown }[];
  };
}

describe('key backup and restore on one network', () => {
  let nodeId = '';
  let backupFile = '';

  it('backs up a running node’s key under a passphrase (headless: a download, exports 0700/0600)', async () => {
    const cfg = setup!.headlessConfig(join(root, 'a'));
    const node = await runHeadless(cfg, {}, silentReporter);
    try {
      nodeId = node.node.agent.nodeId;
      await expect(
        node.service.invoke('backupKey', { passphrase: 'password1234' }),
      ).rejects.toThrow(/not accepted/);
      const backup = await node.service.invoke('backupKey', { passphrase: PASS });
      expect(backup.nodeId).toBe(nodeId);
      expect(backup.path).toBe(join(root, 'a', 'local', 'exports', backup.fileName));
      expect((await stat(join(root, 'a', 'local', 'exports'))).mode & 0o777).toBe(0o700);
      expect((await stat(backup.path!)).mode & 0o777).toBe(0o600);
      expect(backup.content).toBe(await readFile(backup.path!, 'utf8'));
      // The passphrase is never written to the node's logs.
      const logs = join(root, 'a', 'local', 'logs');
      for (const f of await readdir(logs)) {
        expect(await readFile(join(logs, f), 'utf8')).not.toContain(PASS);
      }
      // What the browser saves: the standard key file.
      backupFile = join(root, 'downloaded.json');
      await writeFile(backupFile, backup.content!);
    } finally {
      await node.stop('test over');
    }
  }, 60_000);

  it('--import-key into a fresh data folder: registers on the same devnet with the same node ID', async () => {
    const passFile = join(root, 'backup-passphrase');
    await writeFile(passFile, `${PASS}\n`, { mode: 0o600 });
    const b = cli([
      '--json',
      '--data-dir',
      join(root, 'b'),
      ...joinFlags(),
      '--import-key',
      backupFile,
      '--import-key-passphrase-file',
      passFile,
    ]);
    try {
      await b.waitFor((e) => e.type === 'state' && e.state === 'active', 'active state');
    } catch (err) {
      b.child.kill('SIGKILL');
      throw err;
    }
    expect(b.events.find((e) => e.type === 'started')).toMatchObject({ nodeId });
    expect(
      b.events.some(
        (e) => e.type === 'log' && String(e.message).startsWith(`Imported node key ${nodeId}`),
      ),
    ).toBe(true);
    const { nodes } = await nodesOnDevnet();
    expect(nodes.map((n) => n.node_id)).toEqual([nodeId]);
    expect(nodes[0]).toMatchObject({ status: 'active', session: expect.any(Object) });
    // The imported key is stored like a key the node made: under the folder's own vault.
    const dirs = resolveDataDirs(join(root, 'b'), 'local');
    expect((await stat(identityPaths(dirs).keystore)).mode & 0o777).toBe(0o600);
    b.child.kill('SIGINT');
    expect(await b.exit).toBe(0);
  }, 60_000);

  it('a folder with a different key: refused without --force; with it, replaced and kept aside', async () => {
    const dirs = resolveDataDirs(join(root, 'c'), 'local');
    const vault = new PassphraseFileVault(identityPaths(dirs).passphraseFile);
    const { identity: other } = await loadOrCreateIdentity({ dirs, vault });
    const env = { RESULTITY_IMPORT_KEY_PASSPHRASE: PASS };
    const args = ['--data-dir', join(root, 'c'), ...joinFlags(), '--import-key', backupFile];

    const refused = cli(['--json', ...args], env);
    expect(await refused.exit).toBe(1);
    expect(String(refused.events.at(-1)?.reason)).toMatch(
      /already has a different node key .*start again with --force/,
    );
    const files = await readdir(dirs.keys);
    expect(files.some((f) => f.includes('replaced'))).toBe(false);

    const forced = cli(['--json', ...args, '--force'], env);
    await forced.waitFor((e) => e.type === 'state' && e.state === 'active', 'active state');
    expect(forced.events.find((e) => e.type === 'started')).toMatchObject({ nodeId });
    const aside = (await readdir(dirs.keys)).filter((f) => /^node-key\.replaced-.+\.json$/.test(f));
    expect(aside).toHaveLength(1);
    expect((await stat(join(dirs.keys, aside[0]!))).mode & 0o777).toBe(0o600);
    expect(
      JSON.parse(await readFile(join(dirs.keys, aside[0]!), 'utf8')).address.toLowerCase(),
    ).toBe(other.nodeId.slice(2).toLowerCase());
    forced.child.kill('SIGINT');
    expect(await forced.exit).toBe(0);
  }, 90_000);
});
