import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src-main/core/clock.js';
import { PassphraseFileVault, identityPaths } from '../../../src-main/core/identity/index.js';
import { silentLogger } from '../../../src-main/core/logger.js';
import { resolveDataDirs } from '../../../src-main/core/store/data-dirs.js';
import { createDesktopAgent } from '../../../src-main/desktop/agent-boot.js';
import { LogHub } from '../../../src-main/service/log-hub.js';
import { GpuSource } from '../../../src-main/service/gpu-source.js';
import { LogStore } from '../../../src-main/core/store/log-store.js';
import { defaultSettings } from '../service/fakes.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'desktop-agent-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function boot(network: 'testnet' | 'local', env: Record<string, string> = {}) {
  const dirs = resolveDataDirs(root, network);
  const gpu = new GpuSource({
    host: { platform: 'linux', env: {}, isFile: async () => false, readdir: async () => [] },
    run: async () => ({
      exitCode: null,
      stdout: '',
      stderr: '',
      error: { code: 'ENOENT', message: '' },
    }),
    spawn: () => {
      throw new Error('no nvidia-smi here');
    },
    clock: systemClock,
    logger: silentLogger,
  });
  const agent = await createDesktopAgent({
    settings: () => ({ ...defaultSettings, network, dataDir: root }),
    dirs,
    vault: new PassphraseFileVault(identityPaths(dirs).passphraseFile),
    logs: new LogHub(),
    logger: silentLogger,
    clock: systemClock,
    agentVersion: '0.1.0-test',
    env,
    logStore: new LogStore({ dir: dirs.logs }),
    setLogUpload: () => undefined,
    gpu,
  });
  return { agent, dirs };
}

describe('createDesktopAgent', () => {
  it('starts stopped with the vault protection; the setup doctor runs without a GPU', async () => {
    const { agent, dirs } = await boot('testnet');
    expect(agent.state()).toMatchObject({
      state: 'stopped',
      nodeId: null,
      network: 'testnet',
      keyProtection: { kind: 'file' },
    });
    const checks = await agent.checkSetup();
    expect(checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['docker', 'nvidia_driver', 'vram', 'disk']),
    );
    expect(checks.find((c) => c.id === 'nvidia_driver')).toMatchObject({ state: 'fail' });
    // Nothing was created for a node that never started.
    await expect(readFile(identityPaths(dirs).keystore)).rejects.toThrow();
  });

  it('refuses the local devnet with a pointer to the headless node', async () => {
    const { agent } = await boot('local', { RESULTITY_RUNTIME_URL: 'http://127.0.0.1:9' });
    await expect(agent.start()).rejects.toThrow(/headless node/);
  });

  it('persists the owner binding per network', async () => {
    const { agent, dirs } = await boot('testnet');
    await agent.bindAccount({ kind: 'email', email: 'op@example.com' });
    expect(agent.state().owner).toEqual({ kind: 'email', email: 'op@example.com' });
    const again = await boot('testnet');
    expect(again.agent.state().owner).toEqual({ kind: 'email', email: 'op@example.com' });
    await agent.bindAccount(null);
    expect((await boot('testnet')).agent.state().owner).toBeNull();
    expect(dirs.network).toBe('testnet');
  });
});
