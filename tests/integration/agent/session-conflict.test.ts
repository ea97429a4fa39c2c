// One node key on two machines (two data folders holding the same key, as after restoring a
// backup without retiring the original): the devnet closes the older session with 4409, and
// that node stops fighting — a conflict state that names the fix, and minutes before it tries
// again — instead of taking the session back every few seconds.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  identityPaths,
  loadOrCreateIdentity,
  PassphraseFileVault,
} from '../../../src-main/core/identity/index.js';
import { resolveDataDirs } from '../../../src-main/core/store/data-dirs.js';
import { runHeadless, type HeadlessNode } from '../../../src-main/headless/run-headless.js';
import { silentReporter, startDevnetWithSim, type DevnetWithSim } from './devnet-with-sim.js';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
let root: string;
let devnet: DevnetWithSim['devnet'];
let setup: DevnetWithSim | undefined;
const nodes: HeadlessNode[] = [];

beforeAll(async () => {
  setup = await startDevnetWithSim('session-conflict-');
  ({ root, devnet } = setup);
}, 30_000);
afterAll(async () => {
  for (const n of nodes) await n.stop('test over').catch(() => undefined);
  await setup?.close();
});

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
  const cfg = setup!.headlessConfig(join(root, name));
  const node = await runHeadless(cfg, {}, silentReporter);
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
