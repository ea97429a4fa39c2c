// The diagnostics bundle with planted personal values that really are in its input.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DashboardSnapshot, LogLineDto } from '../../../src-main/contract/index.js';
import { shortHash } from '../../../src-main/core/redact.js';
import { writeDiagnostics } from '../../../src-main/service/diagnostics.js';
import { defaultSettings } from './fakes.js';

const HOME = '/home/alice';
const EMAIL = 'alice@example.org';
const WALLET = '0x52908400098527886E0F7030069857D2E4169EE7';
const NODE_ID = '0x8617E340B3D01FA5F11F306F4090FD50E238070D';
const TOKEN = 'c2VjcmV0LWRhc2hib2FyZC10b2tlbi0xMjM0NTY3ODk';
const IP = '198.51.100.23';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'diagnostics-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function snapshot(owner: DashboardSnapshot['node']['owner']): DashboardSnapshot {
  return {
    node: {
      state: 'active',
      reason: `Registered from ${IP}.`,
      since: 1,
      nodeId: NODE_ID,
      network: 'testnet',
      owner,
      startedAt: 1,
      runtime: {
        kind: 'docker',
        state: 'ready',
        detail: `models in ${HOME}/models`,
        simulated: false,
      },
      config: { digest: null, serial: 3, status: 'applied' },
      keyProtection: {
        kind: 'file',
        warning: `file ${HOME}/.local/share/rn/key`,
        summary: 'A passphrase file outside the data folder.',
      },
    },
    stats: {
      jobsDone: 1,
      jobsFailed: 0,
      inFlight: 0,
      tokensServed: 10,
      tokensPerSecond: 1,
      jobsPerMinute: 1,
    },
    gpu: { available: true, reason: '', gpus: [] },
    gpuHistory: [],
    models: [],
    progress: [],
    jobs: [],
    logs: [],
    setup: [],
    settings: { ...defaultSettings, dataDir: `${HOME}/.local/share/resultity-node` },
    host: 'headless',
    appVersion: '0.1.0-test',
  };
}

const logs: LogLineDto[] = [
  {
    seq: 1,
    ts: 1,
    level: 'info',
    source: 'agent',
    message: `Loaded key from ${HOME}/.local/share/rn/testnet/keys`,
  },
  {
    seq: 2,
    ts: 2,
    level: 'debug',
    source: 'dashboard',
    message: `link http://127.0.0.1:4000/#token=${TOKEN}`,
  },
  {
    seq: 3,
    ts: 3,
    level: 'warn',
    source: 'net',
    message: `owner ${EMAIL} wallet ${WALLET} via ${IP}`,
  },
];

describe('writeDiagnostics', () => {
  it('redacts home paths, the owner email, wallets, tokens and IPs; keeps the node ID', async () => {
    const input = snapshot({ kind: 'email', email: EMAIL });
    const raw = JSON.stringify({ input, logs });
    // The planted values really are in the input…
    for (const v of [HOME, EMAIL, WALLET, TOKEN, IP]) expect(raw).toContain(v);

    const file = await writeDiagnostics(dir, input, logs, new Date(0), { homeDir: HOME });
    const text = await readFile(file, 'utf8');
    // …and none of them is in the bundle.
    for (const v of [HOME, EMAIL, WALLET, TOKEN, IP]) expect(text).not.toContain(v);
    const bundle = JSON.parse(text);
    expect(bundle.node.nodeId).toBe(NODE_ID);
    expect(bundle.node.owner).toEqual({ kind: 'email', email: `[email:${shortHash(EMAIL)}]` });
    expect(bundle.settings.dataDir).toBe('~/.local/share/resultity-node');
    expect(bundle.node.reason).toBe('Registered from [ip].');
    expect(bundle.logs.map((l: LogLineDto) => l.message)).toEqual([
      'Loaded key from ~/.local/share/rn/testnet/keys',
      'link http://127.0.0.1:4000/#token=[token]',
      `owner [email:${shortHash(EMAIL)}] wallet [wallet:${shortHash(WALLET)}] via [ip]`,
    ]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('hashes a wallet owner the same way every time, so support can correlate reports', async () => {
    const a = await writeDiagnostics(
      dir,
      snapshot({ kind: 'wallet', address: WALLET }),
      [],
      new Date(1),
      { homeDir: HOME },
    );
    const b = await writeDiagnostics(
      dir,
      snapshot({ kind: 'wallet', address: WALLET.toLowerCase() }),
      [],
      new Date(2),
      { homeDir: HOME },
    );
    const owner = (f: string) => readFile(f, 'utf8').then((t) => JSON.parse(t).node.owner.address);
    expect(await owner(a)).toBe(`[wallet:${shortHash(WALLET)}]`);
    expect(await owner(b)).toBe(await owner(a));
  });
});
