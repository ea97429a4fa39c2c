import { SigningKey, Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src-main/core/protocol/canonical.js';
import type { Job } from '../../../src-main/core/protocol/schemas/ws.js';
import { DevnetCore } from '../../../src-main/devnet/io/core.js';
import { defaultSnapshot } from '../../../src-main/devnet/io/default-snapshot.js';
import type { NodeLink } from '../../../src-main/devnet/io/link.js';
import { networkKeyFrom } from '../../../src-main/devnet/io/network-key.js';
import { resolveOptions } from '../../../src-main/devnet/io/options.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const flush = () => new Promise((r) => setImmediate(r));

function setup(o: { maxAttempts?: number } = {}) {
  const clock = new ManualClock();
  const snap = defaultSnapshot('local', {}, clock.now());
  snap.jobs.accept_timeout_ms = 1000;
  snap.jobs.execution_timeout_ms = 5000;
  const opts = resolveOptions({ clock, sweepIntervalMs: 100, deprioritizeMs: 10_000, ...o });
  const sink = { node() {}, snapshot() {}, job() {}, commit: () => true };
  const core = new DevnetCore(
    opts,
    networkKeyFrom(),
    snap,
    { nodes: [], snapshots: [], jobs: [], counters: {} },
    sink,
  );
  const addNode = (maxConcurrency = 2) => {
    const pub = new SigningKey(Wallet.createRandom().privateKey).publicKey;
    const { node } = core.registry.register(
      {
        network: 'local',
        public_key: pub,
        owner: null,
        agent_version: 't',
        hardware: {
          os: 'l',
          arch: 'x',
          cpu_model: 'c',
          cpu_cores: 1,
          memory_total_mb: 1,
          gpus: [],
          docker_version: null,
        },
      },
      clock.now(),
    );
    core.registry.setStatus(node, 'active', 'test');
    const heartbeat = () =>
      core.registry.recordHeartbeat(
        node,
        {
          agent_version: 't',
          runtime_version: null,
          protocol_version: '1.0',
          state: 'active',
          state_reason: '',
          uptime_s: 0,
          gpus: [],
          memory: { total_mb: 1, free_mb: 1 },
          config_digest: null,
          config_status: { state: 'ok' },
          models: { installed: [], active: [{ name: 'sim-chat-1b', revision: 'r1' }] },
          runtime: {
            kind: 's',
            healthy: true,
            running_requests: 0,
            waiting_requests: 0,
            kv_cache_usage: 0,
          },
          jobs: { in_flight: 0, completed_total: 0, failed_total: 0 },
        },
        clock.now(),
      );
    heartbeat();
    const sent: Record<string, unknown>[] = [];
    const link: NodeLink = {
      nodeKey: node.nodeId.toLowerCase(),
      nodeId: node.nodeId,
      sessionId: 's',
      openedAt: clock.now(),
      maxConcurrency,
      accepting: true,
      send: (f) => sent.push(JSON.parse(f)),
      drop: () => {},
    };
    core.dispatcher.attach(link);
    const assigned = () => sent.filter((f) => f.type === 'job_assign').map((f) => f.job as Job);
    return { node, link, sent, assigned, heartbeat };
  };
  return { clock, core, addNode };
}

const resultFor = (job: Job) => ({
  job_id: job.job_id,
  model: job.model,
  status: 'completed' as const,
  output: 'ok',
  output_hash: sha256Hex('ok'),
  finish_reason: 'stop' as const,
  usage: { prompt_tokens: 1, completion_tokens: 1 },
  timings: { received_at: 0, started_at: 0, first_token_at: 0, finished_at: 0, runtime_ms: 0 },
  config_digest: null,
});

describe('devnet dispatcher on a manual clock', () => {
  it('spreads jobs fairly within each node capacity', async () => {
    const { core, addNode } = setup();
    const a = addNode(2);
    const b = addNode(2);
    core.submitJobs({ count: 6 });
    await flush();
    expect(a.assigned()).toHaveLength(2);
    expect(b.assigned()).toHaveLength(2);
    expect(core.ledger.countOf('pending')).toBe(2);
    core.desk.judge(a.link.nodeKey, resultFor(a.assigned()[0]!), 1);
    await flush();
    expect(a.assigned()).toHaveLength(3);
  });

  it('reassigns after the accept timeout and after the deadline, by the injected clock alone', async () => {
    const { clock, core, addNode } = setup();
    const a = addNode(1);
    const [id] = core.submitJobs({ count: 1 });
    await flush();
    expect(a.assigned()[0]!.deadline_at - a.assigned()[0]!.assigned_at).toBe(5000);
    const b = addNode(1);
    clock.advance(900);
    expect(core.ledger.get(id!)!.state).toBe('assigned');
    clock.advance(200); // past accept_timeout_ms
    await flush();
    expect(core.ledger.counters.accept_timeouts).toBe(1);
    expect(b.assigned()[0]!.job_id).toBe(id); // a is deprioritised now
    core.dispatcher.onAccept(b.link.nodeKey, id!);
    clock.advance(5100);
    await flush();
    expect(core.ledger.counters.deadline_misses).toBe(1);
    expect(core.ledger.get(id!)!.takenFrom).toHaveLength(2);
  });

  it('keeps a node without fresh heartbeats out of the rotation until one arrives', async () => {
    const { clock, core, addNode } = setup();
    const a = addNode(4);
    clock.advance(30_001); // heartbeat_window_ms of the default snapshot
    core.submitJobs({ count: 1 });
    await flush();
    expect(a.assigned()).toHaveLength(0);
    a.heartbeat();
    core.dispatcher.kick();
    await flush();
    expect(a.assigned()).toHaveLength(1);
  });

  it('fails a job after maxAttempts assignments, with the reason', async () => {
    const { clock, core, addNode } = setup({ maxAttempts: 3 });
    const a = addNode(1);
    const [id] = core.submitJobs({ count: 1 });
    for (let i = 0; i < 3; i++) {
      await flush();
      expect(core.ledger.get(id!)!.state, core.ledger.get(id!)!.failReason ?? '').toBe('assigned');
      core.dispatcher.onReject(a.link.nodeKey, { job_id: id!, reason: 'queue_full', detail: '' });
      // Held back from the node that just gave it up, then offered to it again.
      await flush();
      if (i < 2) expect(core.ledger.get(id!)!.state).toBe('pending');
      await clock.advanceAsync(250 * 2 ** i + 50, 25); // the hold grows: 250 ms, 500 ms, …
    }
    const job = core.ledger.get(id!)!;
    expect(job.state).toBe('failed');
    expect(job.failReason).toMatch(/3 assignments/);
    expect(core.ledger.counters.jobs_failed).toBe(1);
  });
});
