import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import type { OwnerRecord } from '../../../src-main/core/identity/account-binding.js';
import { OwnerBinder } from '../../../src-main/core/identity/owner-binder.js';
import { resolveDataDirs } from '../../../src-main/core/store/data-dirs.js';
import type { JobEvent } from '../../../src-main/core/jobs/job-engine-api.js';
import { createLogger, type LogEntry } from '../../../src-main/core/logger.js';
import { AgentHost } from '../../../src-main/service/agent-host.js';
import { LogHub } from '../../../src-main/service/log-hub.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { FakeRun } from './fake-run.js';

function host(runs: FakeRun[], opts: { failCreate?: Error } = {}) {
  const logs = new LogHub();
  const saved: OwnerRecord[] = [];
  const warnings: LogEntry[] = [];
  const clock = new ManualClock(Date.parse('2026-12-02T13:00:00Z'));
  const owner = new OwnerBinder({
    dirs: resolveDataDirs('/nonexistent/owner-binder-test', 'local'),
    network: 'local',
    clock,
    nodeId: () => NODE_KEY.address,
    save: async (r) => void saved.push(r),
  });
  const h = new AgentHost({
    network: 'local',
    clock,
    logger: createLogger([(e) => warnings.push(e)]),
    logs,
    createRun: async () => {
      if (opts.failCreate) throw opts.failCreate;
      const run = new FakeRun();
      runs.push(run);
      return run;
    },
    keyProtection: () => ({
      kind: 'weak',
      warning: 'No keyring.',
      summary: 'A secret file next to the key.',
    }),
    storedNodeId: async () => '0xSTORED',
    owner,
    backupKey: async (passphrase) => ({
      nodeId: '0xSTORED',
      content: `{"p":${passphrase.length}}`,
    }),
    importKey: async (r) => ({ nodeId: '0xNEW', outcome: 'imported' as const, keptAside: r.file }),
  });
  return { h, logs, saved, warnings };
}

const NODE_KEY = Wallet.createRandom();

describe('AgentHost', () => {
  it('before any start: stopped, with the stored node ID and the weak-key warning', async () => {
    const { h } = host([]);
    await h.init();
    expect(h.state()).toMatchObject({
      state: 'stopped',
      nodeId: '0xSTORED',
      network: 'local',
      keyProtection: { kind: 'weak', warning: 'No keyring.' },
    });
  });

  it('maps the agent state, runtime and config into the state DTO and pushes changes', async () => {
    const runs: FakeRun[] = [];
    const { h } = host(runs);
    const seen: string[] = [];
    h.onState((s) => seen.push(s.state));
    await h.start();
    expect(h.state()).toMatchObject({
      state: 'registering',
      reason: 'Registering with the network',
      nodeId: '0xNODE',
      runtime: { kind: 'sim', state: 'ready', simulated: true },
      config: { digest: 'sha256:abc', serial: 7, status: 'ok' },
    });
    runs[0]!.set('active', 'serving jobs');
    expect(seen).toEqual(['initialised', 'registering', 'active']);
    // This runtime has no model store: the model it serves is never called installed or verified.
    await expect
      .poll(() => h.models())
      .toEqual([
        expect.objectContaining({
          servedName: 'qwen',
          installed: false,
          verification: 'unchecked',
          sizeBytes: 15,
        }),
      ]);
  });

  it('isolates listeners: a throwing one is logged and the others still get every push', async () => {
    const runs: FakeRun[] = [];
    const { h, warnings } = host(runs);
    h.onState(() => {
      throw new Error('a broken window');
    });
    h.onJobEvent(() => {
      throw new Error('a broken tracker');
    });
    const states: string[] = [];
    const jobs: string[] = [];
    h.onState((s) => states.push(s.state));
    h.onJobEvent((e) => jobs.push(e.jobId));
    await h.start();
    runs[0]!.set('active', 'serving jobs');
    runs[0]!.job({ kind: 'completed', jobId: 'a', model: 'qwen', at: 1 });
    expect(states).toEqual(['initialised', 'registering', 'active']);
    expect(jobs).toEqual(['a']);
    expect(warnings.map((w) => [w.level, w.message, w.fields?.error])).toContainEqual([
      'warn',
      'A node event listener failed',
      'a broken tracker',
    ]);
    expect(warnings.filter((w) => w.fields?.error === 'a broken window')).toHaveLength(3);
  });

  it('Stop drains through the run; Start after Stop composes a fresh run and keeps totals', async () => {
    const runs: FakeRun[] = [];
    const { h } = host(runs);
    const jobs: JobEvent[] = [];
    h.onJobEvent((e) => jobs.push(e));
    await h.start();
    runs[0]!.job({ kind: 'completed', jobId: 'a', model: 'qwen', at: 1 });
    await h.stop(5_000);
    expect(runs[0]!.closed).toEqual(['stopped by the operator', 5_000]);
    expect(h.state().state).toBe('stopped');
    await h.start();
    expect(runs).toHaveLength(2);
    expect(runs[1]!.started).toBe(1);
    runs[1]!.job({ kind: 'completed', jobId: 'b', model: 'qwen', at: 2 });
    runs[0]!.job({ kind: 'completed', jobId: 'old', model: 'qwen', at: 3 }); // detached
    expect(jobs.map((j) => j.jobId)).toEqual(['a', 'b']);
    expect(h.counters().completed_total).toBe(2); // 1 kept from the first run, 1 now
    await expect(h.start()).rejects.toThrow(/already running/);
  });

  it('a failed start says why in the state and rejects', async () => {
    const { h } = host([], { failCreate: new Error('the keychain is locked') });
    await expect(h.start()).rejects.toThrow('the keychain is locked');
    expect(h.state()).toMatchObject({
      state: 'stopped',
      reason: 'The node could not start: the keychain is locked',
    });
  });

  it('without a GPU source says it reads no GPU information (not "cannot serve")', () => {
    const { h } = host([]);
    expect(h.gpu()).toMatchObject({ available: false, probe: 'unknown' });
  });

  it('a newly applied configuration shows in the state at once (serial, status)', async () => {
    const runs: FakeRun[] = [];
    const { h } = host(runs);
    await h.start();
    const run = runs[0]!;
    expect(h.state().config.serial).toBe(7);
    const next = {
      digest: 'sha256:def',
      snapshot: { ...run.config.snapshot().snapshot, serial: 8 },
    };
    run.config.snapshot = () => next;
    const serials: (number | null)[] = [];
    h.onState((s) => serials.push(s.config.serial));
    run.applied.fire(next);
    expect(serials).toEqual([8]);
    expect(h.state().config).toMatchObject({ digest: 'sha256:def', serial: 8 });
  });

  it('binds a wallet with a checked signature and sends the proof once the run is registered', async () => {
    const runs: FakeRun[] = [];
    const { h, logs, saved } = host(runs);
    await h.init();
    const wallet = Wallet.createRandom();
    const message = h.walletBindingMessage(wallet.address);
    await expect(
      h.bindWallet(message, Wallet.createRandom().signMessageSync(message)),
    ).rejects.toThrow(/not accepted: the signature was made by/);
    expect(saved).toEqual([]);
    await h.bindWallet(message, wallet.signMessageSync(message));
    expect(h.state().owner).toEqual({ kind: 'wallet', address: wallet.address });
    expect(h.state().account).toMatchObject({ state: 'pending' });
    expect(saved.at(-1)?.proof?.message).toBe(message);

    const claims: unknown[] = [];
    const start = h.start();
    const run = runs[0]!;
    run.sendOwnerClaim = async (claim) => {
      claims.push(claim);
      return { state: 'bound', owner: { kind: 'wallet', address: wallet.address }, verified_at: 5 };
    };
    await start;
    expect(claims).toEqual([]); // still registering
    run.set('active', 'serving');
    await new Promise((r) => setTimeout(r, 0));
    expect(claims).toEqual([
      { kind: 'wallet', address: wallet.address, message, signature: expect.any(String) },
    ]);
    expect(h.state().account).toMatchObject({ state: 'bound', verifiedAt: 5 });

    const lines: string[] = [];
    h.onLog((e) => lines.push(e.message));
    createLogger([logs.sink]).info('hello');
    expect(lines).toEqual(['hello']);
    expect(await h.backupKey('12345')).toEqual({ nodeId: '0xSTORED', content: '{"p":5}' });
  });

  it('asks for an email code only while a run can send it', async () => {
    const runs: FakeRun[] = [];
    const { h } = host(runs);
    await h.init();
    await expect(h.requestEmailCode('op@example.com')).rejects.toThrow(/Start the node first/);
  });
});
