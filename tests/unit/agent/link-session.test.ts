import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LinkSession, type LinkSessionHooks } from '../../../src-main/core/agent/link-session.js';
import { buildResult } from '../../../src-main/core/jobs/job-result.js';
import { JobEngine } from '../../../src-main/core/jobs/job-engine.js';
import { silentLogger } from '../../../src-main/core/logger.js';
import type { JobLinkOptions } from '../../../src-main/core/network/job-link.js';
import type { Job } from '../../../src-main/core/protocol/index.js';
import { openJobJournal } from '../../../src-main/core/store/journal-open.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { NodeIdentity } from './fakes/agent-harness.js';
import { FakeLink } from './fakes/fake-link.js';
import { FakeRuntime } from './fakes/fake-runtime.js';

let dir: string;
let clock: ManualClock;
let links: FakeLink[];
let problems: (string | null)[];
let session: LinkSession;

const hooks = (): LinkSessionHooks => ({
  up: () => undefined,
  problem: (p) => problems.push(p),
  notRegistered: () => undefined,
  unauthorised: () => undefined,
  message: () => undefined,
});

const linkOptions = (): JobLinkOptions => ({
  url: 'ws://127.0.0.1:9/v1/ws',
  signer: NodeIdentity.generate(),
  clock,
  logger: silentLogger,
  agentVersion: '0.1.0-test',
  sessionParams: () => ({ accepting: true, max_concurrency: 1 }),
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'link-session-'));
  clock = new ManualClock();
  links = [];
  problems = [];
  session = new LinkSession(
    (opts) => {
      const link = new FakeLink(opts);
      links.push(link);
      return link;
    },
    clock,
    silentLogger,
  );
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('LinkSession, the one holder of the job link', () => {
  it('refuses to send before the link exists, then sends on the one link it created', () => {
    expect(session.state).toBe('idle');
    expect(session.send('job_accept', { job_id: 'a' })).toBe(false);
    session.reconnect(); // no link yet: nothing to do, nothing thrown
    session.start({ link: linkOptions(), graceMs: 1000, hooks: hooks() });
    session.start({ link: linkOptions(), graceMs: 1000, hooks: hooks() });
    expect(links).toHaveLength(1);
    expect(links[0]!.calls).toEqual(['start', 'start']);
    expect(session.send('job_accept', { job_id: 'a' })).toBe(false); // not open yet
    links[0]!.open('active');
    expect(session.send('job_accept', { job_id: 'a' })).toBe(true);
    session.reconnect();
    session.setRetry(100, 1000);
    expect(links[0]!.sent).toEqual([{ type: 'job_accept', body: { job_id: 'a' } }]);
    expect(links[0]!.calls).toEqual(['start', 'start', 'reconnect', 'retry:100:1000']);
  });

  it('reports a drop only when the link is not back within the grace period, and not after stop', async () => {
    session.start({ link: linkOptions(), graceMs: 1000, hooks: hooks() });
    const link = links[0]!;
    link.open('active');
    link.drop();
    clock.advance(500);
    link.open('active');
    clock.advance(1000);
    expect(problems).toEqual([null, null]);
    link.drop();
    clock.advance(1000);
    expect(problems.at(-1)).toMatch(/job connection to the network is down/);
    await session.stop('test over');
    link.drop('gone', 1000, false);
    expect(problems.at(-1)).toMatch(/down/);
  });

  it('carries the job engine’s results straight to the link (no agent in between)', async () => {
    const journal = openJobJournal(dir);
    const job: Job = {
      job_id: 'job-r',
      model: 'sim-chat-1b',
      kind: 'completion',
      prompt: 'hello',
      max_tokens: 8,
      assigned_at: clock.now(),
      deadline_at: clock.now() + 60_000,
    };
    const result = buildResult({
      jobId: job.job_id,
      model: job.model,
      configDigest: null,
      output: 'hi',
      usage: { prompt_tokens: 1, completion_tokens: 1 },
      receivedAt: clock.now(),
      startedAt: clock.now(),
      firstTokenAt: clock.now(),
      finishedAt: clock.now(),
      finishReason: 'stop',
    });
    await journal.received(job, clock.now(), null);
    await journal.transition(job.job_id, 'accepted', clock.now());
    await journal.resultReady(job.job_id, result, clock.now());
    const engine = new JobEngine({
      runtime: new FakeRuntime(),
      journal,
      link: session,
      clock,
      logger: silentLogger,
    });
    try {
      await engine.resume();
      session.start({ link: linkOptions(), graceMs: 1000, hooks: hooks() });
      links[0]!.open('active');
      await engine.onLinkUp();
      expect(links[0]!.sent.map((s) => s.type)).toEqual(['job_result']);
      expect(links[0]!.sent[0]!.body).toEqual(result);
    } finally {
      await engine.close();
      await journal.close();
    }
  });
});
