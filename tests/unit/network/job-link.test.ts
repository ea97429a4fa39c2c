import { afterEach, describe, expect, it } from 'vitest';
import { nextEvent, type Event } from '../../../src-main/core/base/event.js';
import { systemClock } from '../../../src-main/core/clock.js';
import { createLogger, type LogEntry } from '../../../src-main/core/logger.js';
import { JobLink, type JobLinkOptions } from '../../../src-main/core/network/job-link.js';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION } from '../../../src-main/core/protocol/index.js';
import { testSigner } from '../../helpers/keys.js';
import { FakeWsServer } from './fake-ws-server.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function once<T>(link: JobLink, event: 'connected' | 'disconnected' | 'message'): Promise<T> {
  const events: Record<typeof event, Event<unknown>> = {
    connected: link.onConnected,
    disconnected: link.onDisconnected,
    message: link.onMessage,
  };
  return nextEvent(events[event]) as Promise<T>;
}

async function setup(server: FakeWsServer, extra: Partial<JobLinkOptions> = {}) {
  const logs: LogEntry[] = [];
  const signer = testSigner();
  const link = new JobLink({
    url: server.url,
    signer,
    clock: systemClock,
    logger: createLogger([(e) => logs.push(e)], { minLevel: 'debug' }),
    agentVersion: '0.1.0-test',
    sessionParams: () => ({ accepting: true, max_concurrency: 4 }),
    retry: { baseMs: 20, maxMs: 100 },
    pingIntervalMs: 1000,
    ...extra,
  });
  cleanups.push(() => link.stop());
  const connected = once(link, 'connected');
  link.start();
  await connected;
  return { link, logs, signer };
}

async function startServer(opts = {}) {
  const server = await FakeWsServer.start(opts);
  cleanups.push(() => server.close());
  return server;
}

describe('JobLink', () => {
  it('opens a session with a signed session_open answering the challenge, then sends signed frames', async () => {
    const server = await startServer();
    const { link, signer } = await setup(server);
    const [open] = await server.waitFor('session_open');
    expect(open?.node_id).toBe(signer.address);
    expect(open?.body).toMatchObject({
      agent_version: '0.1.0-test',
      accepting: true,
      max_concurrency: 4,
    });
    expect(link.state).toBe('ready');
    expect(link.sessionInfo?.sessionId).toBe('s-1');

    expect(link.send('job_accept', { job_id: 'job-1' })).toBe(true);
    const [accept] = await server.waitFor('job_accept');
    expect(accept?.body).toEqual({ job_id: 'job-1' });
  });

  it('answers a session-level ping with a pong and passes messages on', async () => {
    const server = await startServer();
    const { link } = await setup(server);
    const got = once<{ type: string }>(link, 'message');
    server.broadcast({ type: 'ping', ping_id: 'p-7', server_time: Date.now() });
    expect((await got).type).toBe('ping');
    const [pong] = await server.waitFor('pong');
    expect(pong?.body).toEqual({ ping_id: 'p-7' });
  });

  it('acts on no control frame before session_ready (an unauthenticated drain or job is dropped)', async () => {
    const now = Date.now();
    const server = await startServer({
      beforeReady: [
        { type: 'drain', reason: 'not authenticated yet' },
        { type: 'node_status', status: 'suspended', reason: 'forged' },
        {
          type: 'job_assign',
          job: {
            job_id: 'pre-auth',
            model: 'm',
            kind: 'completion',
            prompt: 'x',
            max_tokens: 1,
            assigned_at: now,
            deadline_at: now + 60_000,
          },
        },
      ],
    });
    const messages: string[] = [];
    const logs: LogEntry[] = [];
    const link = new JobLink({
      url: server.url,
      signer: testSigner(),
      clock: systemClock,
      logger: createLogger([(e) => logs.push(e)], { minLevel: 'debug' }),
      agentVersion: '0.1.0-test',
      sessionParams: () => ({ accepting: true, max_concurrency: 4 }),
    });
    cleanups.push(() => link.stop());
    link.onMessage((m) => messages.push(m.type));
    const connected = once(link, 'connected');
    link.start();
    await connected;
    server.broadcast({ type: 'ping', ping_id: 'after', server_time: Date.now() });
    await server.waitFor('pong');
    expect(messages).toEqual(['ping']);
    expect(link.droppedFrames).toBe(3);
    const ignored = logs.filter((l) => /before the session was authenticated/.test(l.message));
    expect(ignored.map((l) => l.message)).toEqual([
      'Ignored a drain frame sent before the session was authenticated.',
      'Ignored a node_status frame sent before the session was authenticated.',
      'Ignored a job_assign frame sent before the session was authenticated.',
    ]);
  });

  it('pause() closes the session normally and opens a new one after the given time', async () => {
    const server = await startServer();
    const { link } = await setup(server);
    const down = once<{ code: number; requested: boolean; retryInMs: number }>(
      link,
      'disconnected',
    );
    const t0 = Date.now();
    link.pause(300, 'paused by the network (drain)');
    expect(await down).toMatchObject({ code: 1000, requested: true, retryInMs: 300 });
    await once(link, 'connected');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(server.sessions).toBe(2);
  });

  it('drops malformed frames, logs them, and keeps the same session alive', async () => {
    const server = await startServer();
    const { link, logs } = await setup(server);
    const disconnects: unknown[] = [];
    link.onDisconnected((d) => disconnects.push(d));
    server.broadcastRaw('this is not json');
    server.broadcastRaw(JSON.stringify({ v: PROTOCOL_VERSION, type: 'job_assign', job: {} }));
    server.broadcastRaw(JSON.stringify({ v: '9.0', type: 'ping', ping_id: 'x', server_time: 1 }));
    server.broadcastRaw(Buffer.from([0xff, 0xfe, 0x00]));
    const got = once<{ type: string; ping_id: string }>(link, 'message');
    server.broadcast({ type: 'ping', ping_id: 'after', server_time: Date.now() });
    expect((await got).ping_id).toBe('after');
    expect(link.droppedFrames).toBe(4);
    expect(logs.filter((l) => l.message.startsWith('Dropped a bad frame')).length).toBe(4);
    expect(disconnects).toEqual([]);
    expect(link.sessionInfo?.sessionId).toBe('s-1');
  });

  it('refuses an oversized frame at the transport and recovers with a new session', async () => {
    const server = await startServer();
    const { link } = await setup(server);
    const down = once<{ code: number; reason: string; willReconnect: boolean }>(
      link,
      'disconnected',
    );
    const up = once(link, 'connected');
    server.broadcastRaw('x'.repeat(MAX_FRAME_BYTES + 1));
    const info = await down;
    expect(info.reason).toContain('larger than the 1 MiB limit');
    expect(info.willReconnect).toBe(true);
    await up;
    expect(link.state).toBe('ready');
    expect(link.sessionInfo?.sessionId).toBe('s-2');
  });

  it('detects a dead peer by the missing pong, terminates and reconnects', async () => {
    const server = await startServer({ autoPong: false });
    const { link } = await setup(server, { pingIntervalMs: 100 });
    const down = once<{ reason: string; code: number }>(link, 'disconnected');
    const info = await down;
    expect(info.reason).toContain('stopped answering pings');
    expect(info.code).toBe(1006);
    await once(link, 'connected');
    expect(server.sessions).toBeGreaterThanOrEqual(2);
  });

  it('reconnects after the server restarts on the same port', async () => {
    const first = await FakeWsServer.start();
    const port = first.port;
    const { link } = await setup(first);
    const down = once<{ willReconnect: boolean }>(link, 'disconnected');
    await first.close();
    expect((await down).willReconnect).toBe(true);
    expect(link.send('job_accept', { job_id: 'lost' })).toBe(false);
    const up = once(link, 'connected');
    const second = await startServer({ port });
    await up;
    expect(link.send('job_accept', { job_id: 'job-2' })).toBe(true);
    await second.waitFor('job_accept');
  });

  it('refuses invalid bodies instead of sending them, and stops cleanly', async () => {
    const server = await startServer();
    const { link, logs } = await setup(server);
    expect(link.send('job_accept', { job_id: 'bad id with spaces' })).toBe(false);
    expect(logs.some((l) => l.level === 'error' && l.message.includes('invalid job_accept'))).toBe(
      true,
    );
    const down = once<{ willReconnect: boolean }>(link, 'disconnected');
    await link.stop();
    expect((await down).willReconnect).toBe(false);
    expect(link.state).toBe('stopped');
  });
});
