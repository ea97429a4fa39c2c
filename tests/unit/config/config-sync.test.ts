import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigSync } from '../../../src-main/core/config/config-sync.js';
import { SnapshotStore } from '../../../src-main/core/config/snapshot-store.js';
import { createLogger, type LogEntry } from '../../../src-main/core/logger.js';
import { signSnapshot, type SignedSnapshot } from '../../../src-main/core/protocol/index.js';
import { ensureDataDirs, resolveDataDirs } from '../../../src-main/core/store/data-dirs.js';
import { defaultSnapshot } from '../../../src-main/devnet/io/default-snapshot.js';
import { testSigner } from '../../helpers/keys.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { FakeIo } from '../agent/fakes/fake-io.js';
import { FakeJobEngine } from '../agent/fakes/fake-job-engine.js';
import { FakeRuntime } from '../agent/fakes/fake-runtime.js';
import { SnapshotIssuer } from '../agent/fakes/snapshots.js';

let root: string;
let issuer: SnapshotIssuer;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'cfg-sync-'));
  issuer = new SnapshotIssuer();
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function makeSync(pinned = issuer.key.address) {
  const dirs = resolveDataDirs(root, 'local');
  await ensureDataDirs(dirs);
  const logs: LogEntry[] = [];
  const parts = {
    store: new SnapshotStore(dirs),
    io: new FakeIo(),
    runtime: new FakeRuntime(),
    jobEngine: new FakeJobEngine(),
    clock: new ManualClock(1_800_000_000_000),
    logs,
  };
  const sync = new ConfigSync({
    ...parts,
    trust: { pinnedSigner: pinned, network: 'local' },
    logger: createLogger([(e) => logs.push(e)], { minLevel: 'debug' }),
  });
  return { sync, ...parts };
}

const SIM_MODEL = 'sim-chat-1b';

describe('ConfigSync', () => {
  it('applies a good snapshot: persisted in history, recorded, runtime and job engine told', async () => {
    const { sync, store, runtime, jobEngine } = await makeSync();
    const s1 = issuer.issue(1);
    expect(await sync.offer(s1, 'registration')).toBe(true);
    await sync.idle();
    expect(sync.snapshot()?.digest).toBe(s1.config_digest);
    expect(sync.status()).toEqual({ state: 'ok' });
    const files = await readdir(store.historyDir);
    expect(files).toEqual([store.fileFor(1, s1.config_digest)]);
    const onDisk = JSON.parse(await readFile(store.pathOf(files[0] as string), 'utf8'));
    expect(onDisk).toEqual(s1);
    expect((await store.readApplied())?.digest).toBe(s1.config_digest);
    expect(runtime.plans.map((p) => p.model.servedName)).toEqual([SIM_MODEL]);
    expect(runtime.plans[0]?.maxNumSeqs).toBe(64);
    expect(jobEngine.configs).toEqual([{ serial: 1, digest: s1.config_digest }]);
    expect(jobEngine.appliedDigests).toEqual([s1.config_digest]);
  });

  it('keeps serving on a snapshot it could not record on a full disk, and says so', async () => {
    const { sync, store, jobEngine } = await makeSync();
    store.writeApplied = () =>
      Promise.reject(Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' }));
    const s1 = issuer.issue(1);
    expect(await sync.offer(s1, 'registration')).toBe(true);
    await sync.idle();
    expect(sync.snapshot()?.digest).toBe(s1.config_digest);
    expect(sync.status().state).toBe('apply_failed');
    expect(sync.status().detail).toMatch(/could not be saved on disk/);
    expect(jobEngine.appliedDigests).toEqual([s1.config_digest]);
  });

  it('refuses a snapshot not signed by the PINNED key, even when its signer field claims it', async () => {
    const { sync, runtime, logs } = await makeSync();
    await sync.offer(issuer.issue(1), 'registration');
    const forged = new SnapshotIssuer().issue(2);
    forged.signer = issuer.key.address; // lies about who signed it
    expect(await sync.offer(forged, 'push')).toBe(false);
    await sync.idle();
    expect(sync.snapshot()?.snapshot.serial).toBe(1);
    expect(sync.status()).toMatchObject({
      state: 'invalid_signature',
      refused_digest: forged.config_digest,
    });
    expect(runtime.plans).toHaveLength(1);
    expect(logs.some((l) => l.message.includes('Keeping the last good configuration'))).toBe(true);

    const tampered: SignedSnapshot = structuredClone(issuer.issue(3));
    (tampered.snapshot as { jobs: { max_output_tokens: number } }).jobs.max_output_tokens = 99_999;
    expect(await sync.offer(tampered, 'push')).toBe(false);
    // Contents that do not match their digest are not a signature problem: say which it is.
    expect(sync.status().state).toBe('digest_mismatch');
  });

  it('refuses a replayed older snapshot, a wrong network and a bad schema', async () => {
    const { sync } = await makeSync();
    const s1 = issuer.issue(1);
    await sync.offer(s1, 'registration');
    await sync.offer(issuer.issue(3), 'push');
    expect(await sync.offer(issuer.issue(2), 'push')).toBe(false);
    expect(sync.status().state).toBe('stale');
    expect(await sync.offer(s1, 'replay')).toBe(false);
    expect(sync.snapshot()?.snapshot.serial).toBe(3);

    const testnet = signSnapshot(issuer.key, defaultSnapshot('testnet', { serial: 9 }));
    expect(await sync.offer(testnet, 'push')).toBe(false);
    expect(sync.status().state).toBe('wrong_network');

    const bad = signSnapshot(issuer.key, {
      ...defaultSnapshot('local', { serial: 10 }),
      models: 'x',
    } as never);
    expect(await sync.offer(bad, 'push')).toBe(false);
    expect(sync.status().state).toBe('invalid_schema');
    expect(sync.snapshot()?.snapshot.serial).toBe(3);
  });

  it('reports an unreachable network and keeps the last known good configuration', async () => {
    const { sync, io } = await makeSync();
    await sync.offer(issuer.issue(1), 'registration');
    io.offline = true;
    await sync.check();
    expect(sync.status().state).toBe('unreachable');
    expect(sync.status().detail).toContain('Cannot reach the network');
    expect(sync.snapshot()?.snapshot.serial).toBe(1);
    io.offline = false;
    io.served = issuer.issue(1);
    await sync.check();
    expect(sync.status()).toEqual({ state: 'ok' });
  });

  it('fetches the advertised digest on a config_changed push and on the periodic check', async () => {
    const { sync, io, clock } = await makeSync();
    await sync.offer(issuer.issue(1), 'registration');
    const s2 = issuer.issue(2);
    io.served = s2;
    await sync.advertised(s2.config_digest, 'config_changed push');
    expect(io.calls).toEqual([`snapshot:${s2.config_digest}`]);
    expect(sync.snapshot()?.snapshot.serial).toBe(2);

    sync.start();
    io.served = issuer.issue(3);
    clock.advance(60_000); // ttl.config_check_interval_ms of the default snapshot
    await sync.stop();
    expect(io.calls).toContain('digest');
    expect(sync.snapshot()?.snapshot.serial).toBe(3);
  });

  it('does not download a refused digest again, but fetches a newer one', async () => {
    const { sync, io } = await makeSync();
    await sync.offer(issuer.issue(1), 'registration');
    const forged = new SnapshotIssuer().issue(2);
    io.served = forged;
    await sync.check();
    await sync.check();
    expect(io.calls.filter((c) => c.startsWith('snapshot:'))).toHaveLength(1);
    io.served = issuer.issue(3);
    await sync.check();
    expect(sync.snapshot()?.snapshot.serial).toBe(3);
    expect(sync.status()).toEqual({ state: 'ok' });
  });

  it('re-verifies the saved snapshot on restart and falls back past a corrupted file', async () => {
    const first = await makeSync();
    await first.sync.offer(issuer.issue(1), 'registration');
    const s2 = issuer.issue(2, { runtime: { ...defaultSnapshot().runtime, max_num_seqs: 8 } });
    await first.sync.offer(s2, 'push');
    await writeFile(first.store.pathOf(first.store.fileFor(2, s2.config_digest)), '{"snapsh');

    const second = await makeSync();
    const loaded = await second.sync.loadSaved();
    expect(loaded?.snapshot.serial).toBe(1);
    expect(second.logs.some((l) => l.level === 'error' && l.message.includes('moved aside'))).toBe(
      true,
    );
    const files = await readdir(second.store.historyDir);
    expect(files.some((f) => f.includes('.corrupt-'))).toBe(true);
    const record = await second.store.readApplied();
    expect(record?.serial).toBe(1);
    expect(record?.highest_serial).toBe(2); // the replay floor survives the fallback
    expect(second.jobEngine.configs.at(-1)?.serial).toBe(1);
    // The runtime plan is applied on demand (the agent does it in the background).
    await second.sync.ensureRuntime();
    expect(second.runtime.plans).toHaveLength(1);
  });

  it('on restart refuses saved snapshots that do not verify against the pinned key', async () => {
    const first = await makeSync();
    await first.sync.offer(issuer.issue(1), 'registration');
    const other = await makeSync(testSigner().address);
    expect(await other.sync.loadSaved()).toBeNull();
    expect(other.logs.some((l) => l.message.includes('fetching it from the network'))).toBe(true);
  });

  it('rolls back to the previous verified snapshot and holds the newer one back', async () => {
    const { sync, io, runtime, jobEngine } = await makeSync();
    await sync.offer(issuer.issue(1), 'registration');
    const s2 = issuer.issue(2, { runtime: { ...defaultSnapshot().runtime, max_num_seqs: 8 } });
    await sync.offer(s2, 'push');
    await sync.idle();
    expect(runtime.plans.at(-1)?.maxNumSeqs).toBe(8);

    expect(await sync.rollback()).toBe(true);
    await sync.idle();
    expect(sync.snapshot()?.snapshot.serial).toBe(1);
    expect(runtime.plans.at(-1)?.maxNumSeqs).toBe(64);
    expect(jobEngine.configs.at(-1)?.serial).toBe(1);

    io.served = s2;
    await sync.check();
    expect(sync.snapshot()?.snapshot.serial).toBe(1); // held back
    io.served = issuer.issue(3);
    await sync.check();
    expect(sync.snapshot()?.snapshot.serial).toBe(3);
    // Rolling back again takes the newest older snapshot in the history.
    expect(await sync.rollback()).toBe(true);
    expect(sync.snapshot()?.snapshot.serial).toBe(2);
  });

  it('reverts to the previous snapshot when the runtime cannot switch, and retries later', async () => {
    const { sync, io, runtime, jobEngine } = await makeSync();
    await sync.offer(issuer.issue(1), 'registration');
    await sync.idle();
    runtime.failApply = 'image pull failed';
    const s2 = issuer.issue(2, { runtime: { ...defaultSnapshot().runtime, max_num_seqs: 8 } });
    io.served = s2;
    await sync.check();
    await sync.idle();
    expect(sync.snapshot()?.snapshot.serial).toBe(1);
    expect(jobEngine.configs.at(-1)?.serial).toBe(1);
    expect(sync.status()).toMatchObject({
      state: 'apply_failed',
      refused_digest: s2.config_digest,
    });
    runtime.failApply = null;
    await sync.check();
    await sync.idle();
    expect(sync.snapshot()?.snapshot.serial).toBe(2);
    expect(sync.status()).toEqual({ state: 'ok' });
  });

  it('does not wait for a slow runtime: the snapshot is applied at once, the runtime follows', async () => {
    const { sync, runtime } = await makeSync();
    let finish: () => void = () => {};
    const original = runtime.apply.bind(runtime);
    runtime.apply = (plan) => new Promise<void>((r) => (finish = r)).then(() => original(plan));
    expect(await sync.offer(issuer.issue(1), 'registration')).toBe(true);
    expect(sync.snapshot()?.snapshot.serial).toBe(1);
    expect(runtime.plans).toHaveLength(0);
    finish();
    await sync.idle();
    expect(runtime.plans).toHaveLength(1);
  });

  it('reports apply_failed for a first snapshot the runtime cannot serve, and retries on the next check', async () => {
    const { sync, io, runtime } = await makeSync();
    runtime.failApply = 'model not served';
    const s1 = issuer.issue(1);
    await sync.offer(s1, 'registration');
    await sync.idle();
    expect(sync.snapshot()?.snapshot.serial).toBe(1);
    expect(sync.status()).toMatchObject({ state: 'apply_failed' });
    runtime.failApply = null;
    io.served = s1;
    await sync.check();
    await sync.idle();
    expect(sync.status()).toEqual({ state: 'ok' });
    expect(runtime.plans).toHaveLength(1);
  });

  it('keeps a bounded history', async () => {
    const { sync, store } = await makeSync();
    for (let serial = 1; serial <= 14; serial++) await sync.offer(issuer.issue(serial), 'push');
    const files = await readdir(store.historyDir);
    expect(files).toHaveLength(10);
    expect(files.sort().at(-1)).toContain('0000000014-');
  });

  it('refuses a validly signed snapshot that reuses the applied serial with other content', async () => {
    const { sync } = await makeSync();
    const s2 = issuer.issue(2);
    expect(await sync.offer(s2, 'registration')).toBe(true);
    const same = issuer.issue(2, { issued_at: 1_800_000_000_001 });
    expect(same.config_digest).not.toBe(s2.config_digest);
    expect(await sync.offer(same, 'push')).toBe(false);
    expect(sync.snapshot()?.digest).toBe(s2.config_digest);
    expect(sync.status()).toMatchObject({ state: 'stale', refused_digest: same.config_digest });
    expect(sync.status().detail).toMatch(/serial 2 was already applied with other content/);
    // The very same snapshot again is fine, and a higher serial is taken.
    expect(await sync.offer(s2, 'push')).toBe(true);
    expect(await sync.offer(issuer.issue(3), 'push')).toBe(true);
    await sync.idle();
  });

  it('refuses participation.mode contradicting network, and a revision that leaves the cache', async () => {
    const { sync } = await makeSync();
    expect(await sync.offer(issuer.issue(1), 'registration')).toBe(true);
    const base = defaultSnapshot('local', { serial: 2 }, 1_800_000_000_000);
    const mode = signSnapshot(issuer.key, {
      ...base,
      participation: { ...base.participation, mode: 'mainnet' },
    });
    expect(await sync.offer(mode, 'push')).toBe(false);
    expect(sync.status().state).toBe('invalid_schema');
    expect(sync.status().detail).toMatch(
      /participation.mode "mainnet" contradicts network "local"/,
    );

    const escape = signSnapshot(issuer.key, {
      ...base,
      serial: 3,
      models: base.models.map((m) => ({ ...m, revision: '../../x' })),
    });
    expect(await sync.offer(escape, 'push')).toBe(false);
    expect(sync.status().state).toBe('invalid_schema');
    expect(sync.status().detail).toMatch(/revision/);
    expect(sync.snapshot()?.snapshot.serial).toBe(1);
    await sync.idle();
  });

  it('fetches once per burst of config_changed digests: one in flight, the latest wins', async () => {
    const { sync, io } = await makeSync();
    expect(await sync.offer(issuer.issue(1), 'registration')).toBe(true);
    const latest = issuer.issue(2);
    io.served = latest;
    const pushes: Promise<void>[] = [];
    for (let i = 0; i < 150; i++) {
      pushes.push(sync.advertised(`sha256:${i.toString(16).padStart(64, '0')}`, 'flood'));
    }
    pushes.push(sync.advertised(latest.config_digest, 'config_changed push (serial 2)'));
    await Promise.all(pushes);
    await sync.idle();
    const fetches = io.calls.filter((c) => c.startsWith('snapshot:'));
    expect(fetches.length).toBeLessThanOrEqual(2);
    expect(fetches.at(-1)).toBe(`snapshot:${latest.config_digest}`);
    expect(sync.snapshot()?.digest).toBe(latest.config_digest);
  });
});
