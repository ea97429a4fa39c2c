import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../src-main/core/protocol/index.js';
import { FakeIo } from './fakes/fake-io.js';
import { makeAgent, NodeIdentity, settle, until, type Harness } from './fakes/agent-harness.js';
import { SnapshotIssuer } from './fakes/snapshots.js';

let root: string;
let issuer: SnapshotIssuer;
let identity: NodeIdentity;
const running: Harness[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'agent-'));
  issuer = new SnapshotIssuer();
  identity = NodeIdentity.generate();
});
afterEach(async () => {
  for (const h of running.splice(0)) await h.agent.stop('test over', 0);
  await rm(root, { recursive: true, force: true });
});

async function started(io = new FakeIo()): Promise<Harness> {
  if (!io.served) io.served = issuer.issue(1);
  const h = await makeAgent(root, issuer, identity, { io });
  running.push(h);
  await h.agent.start();
  await until(() => h.links.length > 0, 'the job link');
  return h;
}

const job = (id: string): Job => ({
  job_id: id,
  model: 'sim-chat-1b',
  kind: 'completion',
  prompt: 'hello',
  max_tokens: 8,
  assigned_at: Date.now(),
  deadline_at: Date.now() + 60_000,
});

describe('Agent lifecycle', () => {
  it('registers once, applies the initial snapshot, goes testing, then active on node_status', async () => {
    const h = await started();
    expect(h.states).toEqual(['initialised', 'registering', 'testing']);
    expect(h.io.registrations).toHaveLength(1);
    expect(h.io.registrations[0]).toMatchObject({
      network: 'local',
      public_key: identity.publicKey,
      agent_version: '0.1.0-test',
    });
    expect(h.agent.config.snapshot()?.snapshot.serial).toBe(1);
    expect(h.runtime.plans).toHaveLength(1);
    expect(h.jobs.calls).toContain('resume');

    h.link().open('pending_test');
    expect(h.jobs.calls).toContain('linkUp');
    h.link().deliver({ type: 'job_assign', job: { ...job('test-1'), test: true } });
    expect(h.jobs.assigned.map((j) => j.job_id)).toEqual(['test-1']);
    h.link().deliver({ type: 'node_status', status: 'active', reason: 'test task passed' });
    expect(h.agent.state()).toMatchObject({
      name: 'active',
      reason: 'serving jobs for the network',
    });
    await until(() => h.io.heartbeats.length > 0, 'a heartbeat');
    expect(h.io.heartbeats[0]?.config_digest).toBe(h.agent.config.snapshot()?.digest);
  });

  it('does not register again after a restart; it re-validates and reconnects', async () => {
    const first = await started();
    first.link().open('active');
    await first.agent.stop('restart', 0);
    running.splice(0);

    const io = new FakeIo();
    io.registered = true;
    io.status = 'active';
    io.served = issuer.issue(1);
    const second = await started(io);
    expect(io.registrations).toHaveLength(0);
    expect(second.states[0]).toBe('initialised');
    expect(second.states).not.toContain('registering');
    expect(second.agent.config.snapshot()?.snapshot.serial).toBe(1);
    expect(second.logs.some((l) => l.message.includes('without registering again'))).toBe(true);
    second.link().open('active');
    expect(second.agent.state().name).toBe('active');
  });

  it('registers again with the same key when the network answers not_registered', async () => {
    const h = await started();
    h.link().open('active');
    await until(() => h.io.heartbeats.length > 0, 'a heartbeat');
    h.io.registered = false; // the network forgot the node
    h.clock.advance(10_000);
    await until(() => h.io.registrations.length === 2, 'a second registration');
    expect(h.io.registrations[1]?.public_key).toBe(identity.publicKey);
    await until(() => h.link().calls.includes('reconnect'), 'a reconnect');
    expect(h.states).toContain('registering');
  });

  it('keeps registering with backoff while the network is unreachable, saying so', async () => {
    const io = new FakeIo();
    io.offline = true;
    io.served = issuer.issue(1);
    const h = await makeAgent(root, issuer, identity, { io });
    running.push(h);
    await h.agent.start();
    await until(() => h.agent.state().reason.includes('Retrying in'), 'a retry reason');
    expect(h.agent.state().name).toBe('registering');
    expect(h.agent.state().reason).toContain('Cannot reach the network');
    io.offline = false;
    h.clock.advance(4000);
    await until(() => h.agent.state().name === 'testing', 'testing');
  });

  it('waits for a loading runtime before announcing it takes jobs, then reopens the session', async () => {
    const io = new FakeIo();
    io.served = issuer.issue(1);
    const h = await makeAgent(root, issuer, identity, { io });
    running.push(h);
    h.runtime.setStatus({ state: 'loading', detail: 'loading the model' });
    await h.agent.start();
    await until(() => h.links.length > 0, 'the job link');
    h.link().open('pending_test');
    expect(h.agent.state().name).toBe('testing');
    expect(h.agent.state().reason).toContain('the runtime is loading the model');
    expect(h.link().opts.sessionParams().accepting).toBe(false);
    expect(h.link().calls).not.toContain('reconnect');

    h.runtime.setStatus({ state: 'ready', detail: 'ready' });
    expect(h.link().calls).toContain('reconnect');
    // 64 runtime slots and a window of 8 queued in the runtime (queue-window.ts).
    expect(h.link().opts.sessionParams()).toEqual({ accepting: true, max_concurrency: 72 });
    expect(h.agent.state().reason).toContain('waiting for the network’s test task');
  });

  it('reopens a session that opened as not accepting while the runtime became ready meanwhile', async () => {
    const io = new FakeIo();
    io.served = issuer.issue(1);
    const h = await makeAgent(root, issuer, identity, { io });
    running.push(h);
    h.runtime.setStatus({ state: 'starting', detail: 'waiting for /health' });
    await h.agent.start();
    await until(() => h.links.length > 0, 'the job link');
    expect(h.link().opts.sessionParams().accepting).toBe(false); // the challenge is answered
    h.runtime.setStatus({ state: 'ready', detail: 'ready' }); // …then the runtime is ready
    expect(h.link().calls).not.toContain('reconnect');
    h.link().open('pending_test', undefined, false); // session_ready, "not accepting"
    expect(h.link().calls).toContain('reconnect');
    expect(h.jobs.calls).not.toContain('linkUp');
  });

  it('is degraded while the runtime is down or the link stays down, and recovers', async () => {
    const h = await started();
    h.link().open('active');
    h.runtime.setStatus({ state: 'unhealthy', detail: '/health does not answer' });
    expect(h.agent.state()).toMatchObject({
      name: 'degraded',
      reason: 'the runtime stopped answering: /health does not answer',
    });
    h.runtime.setStatus({ state: 'ready', detail: 'ready' });
    expect(h.agent.state().name).toBe('active');

    h.link().drop('the connection was lost');
    expect(h.agent.state().name).toBe('active'); // within the grace period
    h.clock.advance(5000);
    expect(h.agent.state().name).toBe('degraded');
    expect(h.agent.state().reason).toContain('job connection to the network is down');
    h.link().open('active');
    expect(h.agent.state().name).toBe('active');
  });

  it('is degraded when a heartbeat fails and active again when the next one passes', async () => {
    const io = new FakeIo();
    io.status = 'active';
    const h = await started(io);
    h.link().open('active');
    await until(() => h.io.heartbeats.length > 0, 'a heartbeat');
    h.io.offline = true;
    h.clock.advance(10_000);
    await until(() => h.agent.state().name === 'degraded', 'degraded');
    expect(h.agent.state().reason).toContain('heartbeat did not get through');
    h.io.offline = false;
    h.clock.advance(10_000);
    await until(() => h.agent.state().name === 'active', 'active again');
  });

  it('names a skewed clock when the network refuses the session signature', async () => {
    const io = new FakeIo();
    io.status = 'active';
    const h = await started(io);
    h.link().open('active');
    h.io.timeOffsetMs = 300_000; // the network is 5 minutes ahead of this machine
    h.link().drop('the network refused the session signature', 4401);
    await until(() => h.agent.state().name === 'degraded', 'degraded');
    expect(h.agent.state().reason).toMatch(
      /system clock is 300 s behind; enable automatic time sync/,
    );
    h.io.timeOffsetMs = 0; // the operator enabled time sync
    h.link().open('active');
    h.clock.advance(10_000); // the next heartbeat passes too
    await until(() => h.agent.state().name === 'active', 'active again');
  });

  it('fetches the new configuration on a config_changed push', async () => {
    const h = await started();
    h.link().open('active');
    const s2 = issuer.issue(2);
    h.io.served = s2;
    h.link().deliver({ type: 'config_changed', config_digest: s2.config_digest, serial: 2 });
    await until(() => h.jobs.appliedDigests.at(-1) === s2.config_digest, 'serial 2 applied');
    expect(h.agent.config.snapshot()?.snapshot.serial).toBe(2);
    expect(h.io.calls).toContain(`snapshot:${s2.config_digest}`);
  });

  it('reopens the session to announce the slots and window of a new configuration', async () => {
    const h = await started();
    h.link().open('active');
    await until(() => h.agent.state().name === 'active', 'active');
    expect(h.link().opts.sessionParams().max_concurrency).toBe(72);
    const runtime = { ...h.agent.config.snapshot()!.snapshot.runtime, max_num_seqs: 256 };
    const s2 = issuer.issue(2, { runtime });
    h.io.served = s2;
    h.link().deliver({ type: 'config_changed', config_digest: s2.config_digest, serial: 2 });
    await until(() => h.link().calls.includes('reconnect'), 'the session reopened');
    expect(h.link().opts.sessionParams()).toEqual({ accepting: true, max_concurrency: 288 });
  });

  it('pauses on a drain frame: finishes jobs, acknowledges, reconnects later, never stops', async () => {
    const h = await started();
    h.link().open('active');
    await until(() => h.agent.state().name === 'active', 'active');
    h.jobs.inFlight = 2;
    h.link().deliver({ type: 'drain', reason: 'maintenance', deadline_ms: 1234 });
    await until(() => h.link().calls.some((c) => c.startsWith('pause:')), 'the session paused');
    expect(h.jobs.calls).toContain('drain:1234');
    expect(h.link().sent).toContainEqual({ type: 'drain_ack', body: { in_flight: 0 } });
    expect(h.link().calls).not.toContain('stop');
    expect(h.agent.state().name).toBe('draining');
    expect(h.agent.state().reason).toMatch(/^paused by the network: maintenance; reconnecting in/);

    // The pause ends with the next session: jobs are taken again, the process never stopped.
    h.link().open('active');
    await until(() => h.agent.state().name === 'active', 'active again');
    expect(h.jobs.calls).toContain('undrain');
    expect(h.states).not.toContain('stopped');
  });

  it('stops cleanly while still trying to register', async () => {
    const io = new FakeIo();
    io.offline = true;
    const h = await makeAgent(root, issuer, identity, { io });
    running.push(h);
    await h.agent.start();
    await until(() => h.agent.state().reason.includes('Retrying in'), 'a retry');
    await h.agent.stop('operator', 100);
    expect(h.states.slice(-2)).toEqual(['draining', 'stopped']);
    expect(h.links).toHaveLength(0);
    h.clock.advance(60_000);
    await settle();
    expect(io.calls.filter((c) => c === 'register')).toHaveLength(1);
  });

  it('stop() drains through draining to stopped and is idempotent', async () => {
    const h = await started();
    h.link().open('active');
    await Promise.all([h.agent.stop('operator', 500), h.agent.stop('again', 500)]);
    expect(h.jobs.calls.filter((c) => c.startsWith('drain'))).toEqual(['drain:500']);
    expect(h.states.slice(-2)).toEqual(['draining', 'stopped']);
    expect(h.agent.state().reason).toBe('operator');
    await settle();
  });
});
