// The node's hardware reaches the network: composed by the production root (composeNodeKit) on a
// machine whose nvidia-smi answers with the four-GPU recording, the node registers on the
// devnet and heartbeats; the devnet's admin API then shows every GPU, the OS and the engine.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../src-main/core/clock.js';
import { localProfile } from '../../../src-main/core/config/network-profiles.js';
import { PassphraseFileVault } from '../../../src-main/core/identity/vaults/passphrase-file-vault.js';
import { composeNodeKit, type NodeKit } from '../../../src-main/service/node-kit.js';
import { startNetwork } from '../agent/node-on-devnet.js';
import { recordedGpuSource, recordedGpus } from '../../helpers/recorded-gpus.js';
import { Admin } from '../devnet/harness.js';

let root: string;
let network: Awaited<ReturnType<typeof startNetwork>>;
let kit: NodeKit;

beforeAll(async () => {
  root = await mkdtemp(join(os.tmpdir(), 'rn-hardware-'));
  network = await startNetwork(root);
});
afterAll(async () => {
  await kit?.agent.stop(2_000, 'test over').catch(() => undefined);
  await kit?.close();
  await network?.sim.close();
  await network?.devnet.close();
  await rm(root, { recursive: true, force: true });
});

describe('hardware in registration and heartbeats', () => {
  it('the devnet stores every GPU (name, UUID, VRAM, driver, compute capability) and the OS', async () => {
    const { devnet, sim } = network;
    kit = await composeNodeKit({
      host: 'headless',
      dataRoot: join(root, 'node'),
      settingsFile: join(root, 'settings.json'),
      pinned: { network: 'local' },
      vault: (paths) => new PassphraseFileVault(paths.passphraseFile),
      choose: () => ({
        profile: localProfile(devnet.url, devnet.signerAddress),
        runtime: { kind: 'external', url: sim.url, apiKey: sim.apiKey, simulated: true },
      }),
      logSinks: [],
      clock: systemClock,
      agentVersion: '0.1.0-hw',
      env: {},
      gpu: recordedGpuSource('driver-570-four-l40s.csv'),
      setupChecks: async () => [],
    });
    await kit.agent.start();
    const admin = new Admin(devnet.url, devnet.adminToken);
    await expect.poll(async () => kit.agent.state().nodeId, { timeout: 20_000 }).toBeTruthy();
    const nodeId = kit.agent.state().nodeId as string;
    await expect
      .poll(async () => (await admin.get(`/v1/admin/nodes/${nodeId}`)).heartbeats, {
        timeout: 20_000,
      })
      .toBeGreaterThan(0);
    const view = await admin.get(`/v1/admin/nodes/${nodeId}`);
    const expected = recordedGpus('driver-570-four-l40s.csv').map((g) => ({
      index: g.index,
      uuid: g.uuid,
      name: 'NVIDIA L40S',
      memory_total_mb: 46068,
      driver_version: '570.133.20',
      compute_cap: '8.9',
    }));
    expect(view.hardware).toMatchObject({
      os: `${os.platform()} ${os.release()}`.slice(0, 64),
      arch: os.arch(),
      gpus: expected,
      // An external runtime runs in no engine this node knows of.
      docker_version: null,
    });
    expect(new Set(view.hardware.gpus.map((g: { uuid: string }) => g.uuid)).size).toBe(4);
    // The heartbeat carries the same description.
    expect(view.last_heartbeat.hardware).toEqual(view.hardware);
  }, 60_000);
});
