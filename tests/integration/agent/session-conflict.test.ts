// One node key on two machines (two data folders holding the same key, as after restoring a
// backup without retiring the original): the devnet closes the older session with 4409, and
// that node stops fighting — a conflict state that names the fix, and minutes before it tries
// again — instead of taking the session back every few seconds.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  identityPaths,
  loadOrCreateIdentity,
  PassphraseFileVault,
} from '../../../src-main/core/identity/index.js';
import { resolveDataDirs } from '../../../src-main/core/store/data-dirs.js';
import { startSimRuntime, type SimRuntime } from '../../../src-main/devnet/sim-runtime/server.js';
import { HeadlessConfig } from '../../../src-main/headless/options.js';
import type { Reporter } from '../../../src-main/headless/reporter.js';
import { runHeadless, type HeadlessNode } from '../../../src-main/headless/run-headless.js';
import { startTestDevnet } from '../devnet/harness.js';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
let root: string;
let devnet: Awaited<ReturnType<typeof startTestDevnet>>;
let sim: SimRuntime;
const nodes: HeadlessNode[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'session-conflict-'));
  devnet = await startTestDevnet();
  sim = await startSimRuntime({ warmupMs: 0, servedModelName: 'sim-chat-1b' });
}, 30_000);
afterAll(async () => {
  for (const n of nodes) await n.stop('test over').catch(() => undefined);
  await sim?.close();
  await devnet?.close();
  await rm(root, { recursive: true, force: true });
});

const silent = new Proxy({}, { get: () => () => undefined }) as Reporter;

/** A headless node (the production composition) on a data folder that holds KEY. */
async function machine(name: string): Promise<HeadlessNode> {
  const dirs = resolveDataDirs(join(root, name), 'local');
  const vault = new PassphraseFileVault(identityPaths(dirs).passphraseFile);
  await loadOrCreateIdentity({
    dirs,
    vault,
    importPrivateKey: KEY,
    keystoreOptions: { scrypt: { N: 1 << 10 } },
  });
  const cfg = HeadlessConfig.parse({
    dataDir: join(root, name),
    dashboardDir: root,
    ioUrl: devnet.url,
    networkSigner: devnet.signerAddress,
    runtimeUrl: sim.url,
    ...(sim.apiKey ? { runtimeApiKey: sim.apiKey } : {}),
    opsPort: 'off',
  });
  const node = await runHeadless(cfg, {}, silent);
  nodes.push(node);
  return node;
}

async function until<T>(
  read: () => T | Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  ms = 30_000,
) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function sessionId(nodeId: string): Promise<string | null> {
  const view = (await devnet.admin.get(`/v1/admin/nodes/${nodeId}`)) as {
    session: { session_id: string } | null;
  };
  return view.session?.session_id ?? null;
}

describe('the same node key on two machines (close 4409)', () => {
  it('the replaced node enters the conflict state, explains the fix and does not take the session back', async () => {
    const first = await machine('first');
    const nodeId = first.node.agent.nodeId;
    await until(
      () => first.service.snapshot().node.state,
      (s) => s === 'active',
      'first active',
    );
    const firstSession = await sessionId(nodeId);
    expect(firstSession).not.toBeNull();

    const second = await machine('second');
    expect(second.node.agent.nodeId).toBe(nodeId);
    const state = await until(
      () => first.service.snapshot().node,
      (n) => n.reason.includes('This node key is running on another machine'),
      'conflict state on the first machine',
    );
    expect(state.state).toBe('degraded');
    expect(state.reason).toMatch(
      /Run the key on one machine only: stop the node on the other machine/,
    );
    expect(state.reason).toMatch(/tries again in about [2-5] min/);

    // The second machine keeps the session: nobody fights over it for the next seconds.
    const secondSession = await until(
      () => sessionId(nodeId),
      (s) => s !== null && s !== firstSession,
      'second session',
    );
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await sessionId(nodeId)).toBe(secondSession);
    await until(
      () => second.service.snapshot().node.state,
      (s) => s === 'active',
      'second active',
    );
  }, 90_000);
});
