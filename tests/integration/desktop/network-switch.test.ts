// The desktop's networks through what main.ts builds (composeDesktopNode behind a NodeSwitcher):
// Demo runs the embedded devnet with the SIMULATED runtime; a Custom network is joined by its
// IO address and pinned signer; switching in Settings stops the node, starts it on the other
// network without a restart, and each network keeps its own folder and key.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NodeStateDto } from '../../../src-main/contract/index.js';
import { composeDesktopNode } from '../../../src-main/desktop/desktop-node.js';
import { NodeSwitcher } from '../../../src-main/desktop/node-switcher.js';
import { DEVNET_MODEL } from '../../../src-main/devnet/io/default-snapshot.js';
import { startDevnet, type Devnet } from '../../../src-main/devnet/io/devnet.js';
import { startSimRuntime, type SimRuntime } from '../../../src-main/devnet/sim-runtime/index.js';
import { fakeSafeStorage, noGpuSource } from '../../helpers/no-gpu.js';
import { keyDialogs } from '../../../src-main/desktop/key-dialogs.js';
import { fakeDialog } from '../../helpers/fake-key-dialogs.js';

let root: string;
let switcher: NodeSwitcher | null = null;
let remote: { devnet: Devnet; sim: SimRuntime } | null = null;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'desktop-networks-'));
});
afterEach(async () => {
  await switcher?.shutdown(1_000);
  switcher = null;
  await remote?.sim.close();
  await remote?.devnet.close();
  remote = null;
  await rm(root, { recursive: true, force: true });
});

/** A devnet elsewhere, with a runtime the desktop reaches through RESULTITY_RUNTIME_URL (no key). */
async function startNetwork(stateDir: string): Promise<{ devnet: Devnet; sim: SimRuntime }> {
  const devnet = await startDevnet({ stateDir, testRetryMs: 1_000 });
  const sim = await startSimRuntime({
    model: DEVNET_MODEL.name,
    servedModelName: DEVNET_MODEL.served_name,
    apiKey: null,
    warmupMs: 0,
  });
  return { devnet, sim };
}

async function desktop(settings: object, env: Record<string, string> = {}) {
  const settingsFile = join(root, 'settings.json');
  await writeFile(settingsFile, JSON.stringify(settings));
  const compose = () =>
    composeDesktopNode({
      paths: { dataRoot: join(root, 'data'), settingsFile },
      safeStorage: fakeSafeStorage,
      env,
      appVersion: '0.1.0-test',
      openFolder: async () => undefined,
      keyDialogs: keyDialogs(fakeDialog({}).dialog),
      drainTimeoutMs: 1_000,
      logSink: () => undefined,
      testSeams: { gpu: noGpuSource(), setupChecks: async () => [] },
    });
  let reloads = 0;
  switcher = new NodeSwitcher(await compose(), {
    compose,
    drainTimeoutMs: 1_000,
    onSwitched: () => (reloads += 1),
  });
  const events: string[] = [];
  switcher.subscribe((event, payload) => {
    if (event === 'state') events.push((payload as NodeStateDto).state);
  });
  return { node: switcher, events, reloads: () => reloads };
}

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) {
      const s = switcher?.currentState();
      throw new Error(`timed out waiting for ${what}: ${s?.state} — ${s?.reason}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('desktop networks', () => {
  it('Demo runs the embedded devnet with the simulated runtime and becomes active', async () => {
    const { node } = await desktop({ network: 'local' });
    await node.invoke('start', undefined);
    await until(() => node.currentState().state === 'active', 'active on Demo');
    const state = node.currentState();
    expect(state).toMatchObject({ network: 'local', runtime: { simulated: true } });
    const devnetNodes = node.current.kit.dirs.base;
    expect(devnetNodes).toBe(join(root, 'data', 'local'));
  });

  it('joins a custom network by address and signer, in its own folder', async () => {
    remote = await startNetwork(join(root, 'remote'));
    const custom = {
      ioUrl: remote.devnet.url,
      signer: remote.devnet.signerAddress,
      protocolNetwork: 'local',
    };
    const { node } = await desktop(
      { network: 'custom', customNetwork: custom },
      { RESULTITY_RUNTIME_URL: remote.sim.url },
    );
    await node.invoke('start', undefined);
    await until(() => node.currentState().state === 'active', 'active on the custom network');
    const nodeId = node.currentState().nodeId!;
    expect(remote.devnet.core.registry.get(nodeId)).toBeTruthy();
    const port = new URL(remote.devnet.url).port;
    expect(node.current.kit.dirs.base).toBe(join(root, 'data', `custom-127.0.0.1-${port}`));
  });

  it('a custom network signed by another key is not trusted', async () => {
    remote = await startNetwork(join(root, 'remote'));
    const { node } = await desktop(
      {
        network: 'custom',
        customNetwork: {
          ioUrl: remote.devnet.url,
          signer: '0x1111111111111111111111111111111111111111',
          protocolNetwork: 'local',
        },
      },
      { RESULTITY_RUNTIME_URL: remote.sim.url },
    );
    await node.invoke('start', undefined).catch(() => undefined);
    await until(
      () => node.currentState().config.status === 'invalid_signature',
      'the configuration refused for its signature',
    );
    expect(node.currentState().state).not.toBe('active');
  });

  it('switching in Settings moves the running node to the other network, each with its own key', async () => {
    remote = await startNetwork(join(root, 'remote'));
    const { node, reloads } = await desktop(
      { network: 'local' },
      { RESULTITY_RUNTIME_URL: remote.sim.url },
    );
    await node.invoke('start', undefined);
    await until(() => node.currentState().state === 'active', 'active on Demo');
    const demoId = node.currentState().nodeId;

    await node.invoke('updateSettings', {
      network: 'custom',
      customNetwork: {
        ioUrl: remote.devnet.url,
        signer: remote.devnet.signerAddress,
        protocolNetwork: 'local',
      },
    });
    await node.settled();
    expect(reloads()).toBe(1);
    expect(node.currentSettings().network).toBe('custom');
    await until(() => node.currentState().state === 'active', 'active on the custom network');
    const customId = node.currentState().nodeId!;
    expect(customId).not.toBe(demoId);
    expect(remote.devnet.core.registry.get(customId)).toBeTruthy();

    // Back to Demo: the Demo key (and node ID) is still there.
    await node.invoke('updateSettings', { network: 'local' });
    await node.settled();
    await until(() => node.currentState().state === 'active', 'active on Demo again');
    expect(node.currentState().nodeId).toBe(demoId);
    const folders = await readdir(join(root, 'data'));
    expect(folders).toEqual(expect.arrayContaining(['local', expect.stringMatching(/^custom-/)]));
  });

  it('a stopped node stays stopped after a switch; a custom network needs its address', async () => {
    const { node } = await desktop({ network: 'testnet' });
    await expect(node.invoke('updateSettings', { network: 'custom' })).rejects.toThrow(
      /IO service address and signer/,
    );
    await expect(
      node.invoke('updateSettings', {
        network: 'custom',
        customNetwork: {
          ioUrl: 'http://io.example.com',
          signer: '0x1111111111111111111111111111111111111111',
          protocolNetwork: 'testnet',
        },
      }),
    ).rejects.toThrow(/https/);
    await node.invoke('updateSettings', { network: 'local' });
    await node.settled();
    expect(node.current.kit.target.folder).toBe('local');
    expect(node.currentState().state).toBe('stopped');
  });
});
