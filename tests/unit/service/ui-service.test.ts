import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventName, Events } from '../../../src-main/contract/index.js';
import { fromReply, toReply } from '../../../src-main/contract/errors.js';
import { silentLogger } from '../../../src-main/core/logger.js';
import { shortHash } from '../../../src-main/core/redact.js';
import { MemorySettingsStore, UiService } from '../../../src-main/service/index.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { FakeAgent, defaultSettings, fakeHost } from './fakes.js';

type Pushed = { event: EventName; payload: unknown };

let dir: string;
let clock: ManualClock;
let agent: FakeAgent;
let host: ReturnType<typeof fakeHost>;
let store: MemorySettingsStore;
let service: UiService;
let pushed: Pushed[];

function pushesOf<E extends EventName>(event: E): Events[E][] {
  return pushed.filter((p) => p.event === event).map((p) => p.payload as Events[E]);
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ui-service-'));
  clock = new ManualClock();
  agent = new FakeAgent();
  host = fakeHost(dir);
  store = new MemorySettingsStore(defaultSettings);
  service = await UiService.create({
    agent,
    host,
    settingsStore: store,
    clock,
    logger: silentLogger,
    drainTimeoutMs: 5_000,
  });
  pushed = [];
  service.subscribe((event, payload) => pushed.push({ event, payload }));
});

afterEach(async () => {
  service.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('UiService commands', () => {
  it('returns a full snapshot for the first paint', async () => {
    const snap = await service.invoke('getSnapshot', undefined);
    expect(snap.host).toBe('headless');
    expect(snap.appVersion).toBe('0.1.0-test');
    expect(snap.node.state).toBe('stopped');
    expect(snap.settings).toEqual(defaultSettings);
    expect(snap.stats).toEqual({
      jobsDone: 0,
      jobsFailed: 0,
      inFlight: 0,
      tokensServed: 0,
      tokensPerSecond: 0,
      jobsPerMinute: 0,
    });
  });

  it('start and stop drive the agent and return the new state', async () => {
    expect((await service.invoke('start', undefined)).state).toBe('registering');
    expect((await service.invoke('stop', undefined)).state).toBe('stopped');
    expect(agent.calls).toEqual(['start', 'stop:5000']);
    expect(pushesOf('state').map((s) => s.state)).toEqual(['registering', 'stopped']);
  });

  it('updateSettings validates, persists, applies and pushes once', async () => {
    const next = await service.invoke('updateSettings', { keepAwake: true, theme: 'dark' });
    expect(next).toMatchObject({ keepAwake: true, theme: 'dark' });
    expect(await store.load()).toEqual(next);
    expect(agent.applied.at(-1)).toEqual(next);
    expect(host.changed.at(-1)).toEqual(next);
    expect(pushesOf('settings')).toEqual([next]);
    // Same values again: nothing saved, nothing pushed.
    await service.invoke('updateSettings', { keepAwake: true });
    expect(pushesOf('settings')).toHaveLength(1);
  });

  it('refuses bad settings and the data folder with a plain message', async () => {
    await expect(service.invoke('updateSettings', { maxConcurrentJobs: -1 })).rejects.toThrow(
      /maxConcurrentJobs/,
    );
    await expect(service.invoke('updateSettings', { dataDir: '/etc' })).rejects.toThrow(
      /data folder/,
    );
    await expect(service.invoke('updateSettings', { theme: 'neon' })).rejects.toMatchObject({
      name: 'InvalidCommandError',
      code: 'invalid_command',
    });
    expect(await store.load()).toEqual(defaultSettings);
  });

  it('concurrent settings updates do not lose each other', async () => {
    await Promise.all([
      service.invoke('updateSettings', { keepAwake: true }),
      service.invoke('updateSettings', { launchAtLogin: true }),
    ]);
    expect(await store.load()).toMatchObject({ keepAwake: true, launchAtLogin: true });
  });

  it("checks the binding commands' arguments before the agent sees them", async () => {
    await expect(service.invoke('bindWallet', { message: 'm' })).rejects.toThrow(/wrong argument/);
    await expect(service.invoke('requestEmailCode', { email: '' })).rejects.toThrow(
      /wrong argument/,
    );
    expect(agent.bound).toEqual([]);
    const { message } = await service.invoke('walletBindingMessage', { address: '0xabc' });
    expect(message).toBe('message for 0xabc');
    const state = await service.invoke('bindWallet', { message, signature: ' 0x12 ' });
    expect(agent.calls).toContain('bindWallet:0x12');
    expect(state.owner).toEqual({ kind: 'wallet', address: '0xabc' });
    const mailed = await service.invoke('requestEmailCode', { email: ' op@example.com ' });
    expect(mailed.owner).toEqual({ kind: 'email', email: 'op@example.com' });
    await service.invoke('confirmEmailCode', { code: '123456' });
    expect(agent.calls).toContain('confirmEmailCode:123456');
  });

  it('rejects unknown commands and arguments to argument-less commands', async () => {
    await expect(service.invoke('format' as never, undefined)).rejects.toThrow(/Unknown command/);
    await expect(service.invoke('start', { now: true })).rejects.toThrow(/takes no argument/);
  });

  it('checkSetup shares one run between concurrent callers and pushes the result', async () => {
    const [a, b] = await Promise.all([
      service.invoke('checkSetup', undefined),
      service.invoke('checkSetup', undefined),
    ]);
    expect(a).toEqual(b);
    expect(agent.calls.filter((c) => c === 'checkSetup')).toHaveLength(1);
    expect(pushesOf('setup')).toEqual([agent.setupResult]);
    expect((await service.invoke('getSnapshot', undefined)).setup).toEqual(agent.setupResult);
  });

  it('writes a redacted diagnostics bundle, opens the logs folder, backs up the key', async () => {
    const email = 'owner@example.org';
    await service.invoke('requestEmailCode', { email });
    agent.logEv.emit({
      ts: clock.now(),
      level: 'info',
      source: 'agent',
      message: `hello from ${homedir()}/rn for ${email}`,
    });
    expect(JSON.stringify(service.snapshot())).toContain(email);
    const { path } = await service.invoke('exportDiagnostics', undefined);
    expect(path.startsWith(dir)).toBe(true);
    const text = await readFile(path, 'utf8');
    const bundle = JSON.parse(text);
    expect(bundle.node.nodeId).toBe('0xabc');
    expect(bundle.logs.map((l: { message: string }) => l.message)).toEqual([
      `hello from ~/rn for [email:${shortHash(email)}]`,
    ]);
    expect(text).not.toContain(email);
    expect(text).not.toContain(`${homedir()}/rn`);

    expect(await service.invoke('openLogsFolder', undefined)).toEqual({ path: `${dir}/logs` });
    expect(host.opened).toEqual([`${dir}/logs`]);
    // The log files are searched in the host's logs folder; the text is checked first.
    await mkdir(`${dir}/logs`, { recursive: true });
    await writeFile(`${dir}/logs/node.log.1`, '2026-01-01T00:00:00.000Z INFO  [agent] old one\n');
    expect(await service.invoke('searchLogs', { text: 'OLD' })).toEqual({
      matches: [
        { file: 'node.log.1', ts: Date.UTC(2026, 0, 1), line: expect.stringMatching(/old one$/) },
      ],
      truncated: false,
      files: ['node.log.1'],
    });
    for (const bad of [{ text: '' }, { text: 'x'.repeat(201) }, { text: 'a', before: -1 }, 'a'])
      await expect(service.invoke('searchLogs', bad)).rejects.toThrow(
        /"searchLogs".*wrong argument/,
      );
    // A weak passphrase is refused before the key is touched; the reason is in plain words.
    await expect(service.invoke('backupKey', { passphrase: 'password1234' })).rejects.toThrow(
      /^The passphrase was not accepted\. Too easy to guess/,
    );
    expect(agent.calls.filter((c) => c.startsWith('backup:'))).toEqual([]);
    // Headless (no save dialog): written to the exports folder and handed to the page.
    const backup = await service.invoke('backupKey', { passphrase: 'violet canyon tractor 42' });
    expect(backup).toMatchObject({ nodeId: '0xabc0000000', content: '{"version":3}' });
    expect(backup.path).toBe(`${dir}/${backup.fileName}`);
    expect(backup.fileName).toMatch(/^resultity-node-key-local-0xabc00000-[\dT-]+Z\.json$/);
    expect(await readFile(backup.path!, 'utf8')).toBe('{"version":3}');
    // The headless dashboard cannot import (the CLI flag does): said plainly.
    await expect(service.invoke('importKey', { passphrase: 'x' })).rejects.toThrow(
      /--import-key FILE/,
    );
  });
});

describe('UiService errors as values', () => {
  it('a failing command crosses as a value and is rebuilt with its name and message', async () => {
    const err = Object.assign(new Error('Docker is not running. Start Docker Desktop.'), {
      name: 'RuntimeUnavailableError',
      code: 'docker_down',
    });
    agent.failStart = err;
    const reply = await toReply(() => service.invoke('start', undefined));
    expect(reply).toEqual({
      error: {
        name: 'RuntimeUnavailableError',
        message: 'Docker is not running. Start Docker Desktop.',
        code: 'docker_down',
      },
    });
    // Through JSON, as over IPC or a WebSocket.
    const wire = JSON.parse(JSON.stringify(reply));
    let rebuilt: unknown;
    try {
      fromReply(wire);
    } catch (e) {
      rebuilt = e;
    }
    expect(rebuilt).toBeInstanceOf(Error);
    expect(rebuilt).toMatchObject({
      name: 'RuntimeUnavailableError',
      message: 'Docker is not running. Start Docker Desktop.',
      code: 'docker_down',
    });
  });

  it('a good reply unwraps to the result', async () => {
    const reply = await toReply(() => service.invoke('stop', undefined));
    const wire = JSON.parse(JSON.stringify(reply)) as typeof reply;
    expect(fromReply(wire).state).toBe('stopped');
  });
});

describe('UiService pushes', () => {
  it('batches log lines: a flood of 10,000 lines in 1 s is at most 5 pushes, none per line', () => {
    for (let i = 0; i < 10_000; i++) {
      if (i % 1_000 === 0) clock.advance(100);
      agent.logEv.emit({ ts: clock.now(), level: 'info', source: 'agent', message: `line ${i}` });
    }
    clock.advance(200);
    const batches = pushesOf('logs');
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.length).toBeLessThanOrEqual(6);
    for (const b of batches) expect(b.length).toBeLessThanOrEqual(1_000);
    // The newest line always arrives; seq shows what the live view skipped.
    expect(batches.at(-1)!.at(-1)!.message).toBe('line 9999');
    // The snapshot still has the recent lines in order.
    const recent = service.snapshot().logs;
    expect(recent).toHaveLength(2_000);
    expect(recent.at(-1)!.seq).toBe(10_000);
  });

  it('a single log line arrives after the batch interval, not immediately', () => {
    agent.logEv.emit({
      ts: clock.now(),
      level: 'warn',
      source: 'runtime',
      message: 'slow',
      fields: { ms: 900 },
    });
    expect(pushesOf('logs')).toHaveLength(0);
    clock.advance(200);
    expect(pushesOf('logs')).toEqual([
      [
        {
          seq: 1,
          ts: expect.any(Number),
          level: 'warn',
          source: 'runtime',
          message: 'slow ms=900',
        },
      ],
    ]);
  });

  it('job events update the job list and stats; the rate decays after a minute', () => {
    const t0 = clock.now();
    for (let i = 0; i < 3; i++) {
      agent.jobEv.emit({ kind: 'received', jobId: `j${i}`, model: 'm', at: t0 });
      agent.jobEv.emit({
        kind: 'completed',
        jobId: `j${i}`,
        model: 'm',
        at: t0,
        promptTokens: 10,
        completionTokens: 300,
        durationMs: 1_000,
        tokensPerSecond: 300,
      });
    }
    agent.jobEv.emit({ kind: 'failed', jobId: 'jf', model: 'm', at: t0, detail: 'timeout' });
    // Test jobs do not count as served work.
    agent.jobEv.emit({
      kind: 'completed',
      jobId: 't',
      model: 'm',
      at: t0,
      test: true,
      completionTokens: 99,
    });

    // The agent's own counter includes the test task; the dashboard counts served jobs only.
    agent.countersValue = { in_flight: 0, completed_total: 4, failed_total: 1 };
    clock.advance(1_000);
    const stats = pushesOf('stats').at(-1)!;
    expect(stats).toMatchObject({
      jobsDone: 3,
      jobsFailed: 1,
      tokensServed: 900,
      jobsPerMinute: 3,
    });
    expect(stats.tokensPerSecond).toBe(15); // 900 tokens / 60 s
    expect(pushesOf('job')).toHaveLength(8);
    const jobs = service.snapshot().jobs;
    expect(jobs[0]!.jobId).toBe('t');
    expect(jobs.find((j) => j.jobId === 'j0')).toMatchObject({
      state: 'completed',
      completionTokens: 300,
    });

    clock.advance(61_000);
    expect(pushesOf('stats').at(-1)).toMatchObject({
      tokensPerSecond: 0,
      jobsPerMinute: 0,
      jobsDone: 3,
    });
    // Nothing changed since: the periodic tick does not re-push the same numbers.
    const count = pushesOf('stats').length;
    clock.advance(10_000);
    expect(pushesOf('stats')).toHaveLength(count);
  });

  it('keeps only the most recent 200 jobs', () => {
    for (let i = 0; i < 250; i++)
      agent.jobEv.emit({ kind: 'received', jobId: `j${i}`, model: 'm', at: i });
    const jobs = service.snapshot().jobs;
    expect(jobs).toHaveLength(200);
    expect(jobs[0]!.jobId).toBe('j249');
    expect(jobs.at(-1)!.jobId).toBe('j50');
  });

  it('pushes GPU samples at the sampler rate and keeps 10 minutes of history', () => {
    const sample = (ts: number) => ({
      ts,
      index: 0,
      utilizationPct: 50,
      memoryUsedMb: 1,
      memoryTotalMb: 2,
      temperatureC: 60,
      powerW: 100,
    });
    for (let i = 0; i < 15; i++) {
      clock.advance(60_000);
      agent.samplesEv.emit([sample(clock.now())]);
    }
    expect(pushesOf('gpuSamples')).toHaveLength(15);
    const history = service.snapshot().gpuHistory;
    expect(history.length).toBe(11); // now and the ten minutes before it
    expect(history[0]!.ts).toBe(clock.now() - 600_000);
  });

  it('forwards state, models, gpu and progress; detaches everything on dispose', () => {
    agent.setState({ state: 'degraded', reason: 'Docker stopped. Start Docker.' });
    agent.modelsEv.emit([]);
    agent.gpuEv.emit({ available: true, reason: '', gpus: [] });
    agent.progressEv.emit({
      id: 'p',
      kind: 'image_pull',
      label: 'vllm',
      bytesDone: 1,
      bytesTotal: 2,
      etaSeconds: 1,
      state: 'running',
    });
    expect(pushed.map((p) => p.event)).toEqual(['state', 'models', 'gpu', 'progress']);
    expect(service.snapshot().progress).toHaveLength(1);
    service.dispose();
    expect(agent.stateEv.count + agent.logEv.count + agent.jobEv.count).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('shutdown drains the agent and flushes the last log lines', async () => {
    agent.logEv.emit({ ts: clock.now(), level: 'info', source: 'agent', message: 'bye' });
    await service.shutdown(1_234);
    expect(agent.calls).toContain('stop:1234');
    expect(
      pushesOf('logs')
        .flat()
        .map((l) => l.message),
    ).toEqual(['bye']);
  });
});
