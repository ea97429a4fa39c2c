// The desktop app's node, composed as main.ts does it (composeDesktopNode → node kit), with a
// fake keychain and no GPU.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accountBindingPath, identityPaths } from '../../../src-main/core/identity/index.js';
import type { LogEntry } from '../../../src-main/core/logger.js';
import { composeDesktopNode } from '../../../src-main/desktop/desktop-node.js';
import type { NodeKit } from '../../../src-main/service/node-kit.js';
import { fakeSafeStorage, noGpuSource } from '../../helpers/no-gpu.js';
import { keyDialogs } from '../../../src-main/desktop/key-dialogs.js';
import { fakeDialog } from '../../helpers/fake-key-dialogs.js';

let root: string;
const dialog = fakeDialog({});
const kits: NodeKit[] = [];
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'desktop-node-'));
});
afterEach(async () => {
  for (const kit of kits.splice(0)) await kit.close();
  await rm(root, { recursive: true, force: true });
});

async function boot(network?: 'testnet' | 'local', env: Record<string, string> = {}) {
  const settingsFile = join(root, 'settings.json');
  if (network) await writeFile(settingsFile, JSON.stringify({ network }));
  const logged: LogEntry[] = [];
  const { kit, service } = await composeDesktopNode({
    paths: { dataRoot: root, settingsFile },
    safeStorage: fakeSafeStorage,
    env,
    appVersion: '0.1.0-test',
    openFolder: async () => undefined,
    keyDialogs: keyDialogs(dialog.dialog),
    drainTimeoutMs: 1_000,
    logSink: (e) => logged.push(e),
    testSeams: { gpu: noGpuSource() },
  });
  kits.push(kit);
  return { agent: kit.agent, dirs: kit.dirs, kit, service, logged };
}

describe('composeDesktopNode', () => {
  it('starts stopped on testnet behind the keychain; the setup doctor runs without a GPU', async () => {
    const { agent, dirs, service } = await boot();
    expect(service.currentSettings()).toMatchObject({ network: 'testnet', dataDir: root });
    expect(agent.state()).toMatchObject({
      state: 'stopped',
      nodeId: null,
      network: 'testnet',
      keyProtection: { kind: 'os-keychain' },
    });
    const checks = await agent.checkSetup();
    expect(checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['docker', 'nvidia_driver', 'vram', 'disk']),
    );
    expect(checks.find((c) => c.id === 'nvidia_driver')).toMatchObject({ state: 'fail' });
    // Nothing was created for a node that never started.
    await expect(readFile(identityPaths(dirs).keystore)).rejects.toThrow();
  });

  it('serves health and metrics on 127.0.0.1 only when RESULTITY_OPS_PORT asks for it', async () => {
    const { kit } = await boot();
    expect(kit.ops).toBeNull();
    const on = await boot('testnet', { RESULTITY_OPS_PORT: '0' });
    expect(on.kit.ops?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${on.kit.ops!.url}/livez`)).json()).toEqual({ live: true });
    const ready = await fetch(`${on.kit.ops!.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ready: false, state: 'stopped' });
    const metrics = await (await fetch(`${on.kit.ops!.url}/metrics`)).text();
    expect(metrics).toContain('resultity_node_state{state="stopped"} 1');
    await expect(boot('testnet', { RESULTITY_OPS_PORT: 'x' })).rejects.toThrow(
      /RESULTITY_OPS_PORT must be a port number/,
    );
  });

  it('persists the owner binding per network, proof included', async () => {
    const { dirs } = await boot('testnet');
    await writeFile(
      accountBindingPath(dirs),
      JSON.stringify({ kind: 'email', email: 'op@example.com' }),
    );
    // A binding saved before proofs were needed is kept, and shown as unproven.
    const again = await boot('testnet');
    expect(again.agent.state().account).toEqual({
      owner: { kind: 'email', email: 'op@example.com' },
      state: 'unproven',
    });
    expect(dirs.network).toBe('testnet');
  });

  it('warns when its settings file is damaged and starts from the defaults', async () => {
    await writeFile(join(root, 'settings.json'), '{ not json');
    const { service, logged } = await boot();
    expect(service.currentSettings()).toMatchObject({ network: 'testnet', autoUpdate: true });
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: expect.stringMatching(/default settings/),
      }),
    );
  });
});
