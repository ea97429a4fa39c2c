import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../src-main/core/logger.js';
import { createLogger } from '../../../src-main/core/logger.js';
import type { LogBatchBody } from '../../../src-main/core/protocol/schemas/http.js';
import { LogBatchBody as LogBatchSchema } from '../../../src-main/core/protocol/schemas/http.js';
import { LogStore, type LogStoreOptions } from '../../../src-main/core/store/log-store.js';
import { MemoryLogOutbox } from '../../../src-main/core/agent/log-uploader.js';
import { createRedactor, shortHash } from '../../../src-main/core/redact.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { uploadLogs, type LogOutbox } from '../../../src-main/core/agent/log-uploader.js';
import { silentLogger } from '../../../src-main/core/logger.js';

let dir: string;
let store: LogStore | null = null;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rn-logs-'));
});
afterEach(async () => {
  await store?.close();
  store = null;
  await rm(dir, { recursive: true, force: true });
});

const entry = (i: number): LogEntry => ({
  ts: 1_763_800_000_000 + i,
  level: 'info',
  source: 'agent.jobs',
  message: `entry number ${i} ${'x'.repeat(40)}`,
});

async function logFiles(): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.jsonl')).sort();
}

/** An upstream that accepts each batch id once, like the network's log endpoint. */
function fakeUpstream() {
  const accepted = new Map<string, LogBatchBody>();
  const calls: string[] = [];
  let failAfter = Infinity;
  return {
    accepted,
    calls,
    failAfter(n: number) {
      failAfter = n;
    },
    upload: async (batch: LogBatchBody) => {
      calls.push(batch.batch_id);
      if (calls.length > failAfter) throw new Error('HTTP 503 from the network');
      LogBatchSchema.parse(batch);
      if (!accepted.has(batch.batch_id)) accepted.set(batch.batch_id, batch);
    },
    entries(): LogEntry[] {
      return [...accepted.values()].flatMap((b) => b.entries);
    },
  };
}

function open(options: Partial<LogStoreOptions> = {}): { store: LogStore; warnings: string[] } {
  const warnings: string[] = [];
  const s = new LogStore({
    dir,
    clock: new ManualClock(),
    onWarning: (m) => warnings.push(m),
    ...options,
  });
  store = s;
  return { store: s, warnings };
}

describe('LogStore', () => {
  it('writes JSON lines and keeps at most maxFiles files of at most maxFileBytes', async () => {
    const { store: s, warnings } = open({ maxFileBytes: 2_000, maxFiles: 3 });
    for (let i = 0; i < 300; i++) s.sink(entry(i));
    await s.idle();
    const files = await logFiles();
    expect(files.length).toBe(3);
    for (const f of files) expect((await stat(path.join(dir, f))).size).toBeLessThanOrEqual(2_000);
    const last = (await readFile(path.join(dir, files.at(-1)!), 'utf8')).trim().split('\n');
    expect(JSON.parse(last.at(-1)!)).toEqual(entry(299));
    expect(warnings.some((w) => w.includes('Deleted the oldest local log file'))).toBe(true);
  });

  it('uploads everything written, in order, then deletes the files', async () => {
    const up = fakeUpstream();
    const { store: s } = open({ upload: up.upload });
    const log = createLogger([s.sink], { source: 'agent' });
    for (let i = 0; i < 2_500; i++) log.info(`line ${i}`, { i });
    await s.flushUpstream();
    expect(up.calls.length).toBe(3); // 1000 + 1000 + 500 entries
    expect(up.entries().map((e) => e.message)).toEqual(
      Array.from({ length: 2_500 }, (_, i) => `line ${i}`),
    );
    expect(await logFiles()).toEqual([]);
    s.sink(entry(1));
    await s.flushUpstream();
    expect(up.entries().length).toBe(2_501);
  });

  it('keeps files after a failed upload and re-uploads with the same batch ids, without duplicates', async () => {
    const up = fakeUpstream();
    up.failAfter(1);
    const { store: s, warnings } = open({ upload: up.upload });
    for (let i = 0; i < 2_500; i++) s.sink(entry(i));
    await s.flushUpstream();
    expect(up.accepted.size).toBe(1);
    expect((await logFiles()).length).toBe(1);
    await s.flushUpstream(); // still failing: one warning, not one per attempt
    expect(warnings.filter((w) => w.startsWith('Could not upload')).length).toBe(1);
    const idsSoFar = [...up.calls];

    // A restart: the progress in memory is gone, so the first batch is offered again.
    await s.close();
    const again = open({ upload: up.upload });
    up.failAfter(Infinity);
    await again.store.flushUpstream();
    expect(up.calls.slice(idsSoFar.length)).toEqual([idsSoFar[0], idsSoFar[1], expect.any(String)]);
    expect(up.calls.slice(idsSoFar.length, idsSoFar.length + 2)).toEqual(idsSoFar.slice(0, 2));
    expect(up.entries().map((e) => e.ts)).toEqual(
      Array.from({ length: 2_500 }, (_, i) => entry(i).ts),
    );
    expect(await logFiles()).toEqual([]);
  });

  it('uploads on the flush interval of its clock, and the interval can change', async () => {
    const up = fakeUpstream();
    const clock = new ManualClock();
    const { store: s } = open({ upload: up.upload, clock, flushIntervalMs: 30_000 });
    await s.start();
    s.sink(entry(1));
    await s.idle();
    clock.advance(29_999);
    expect(up.calls.length).toBe(0);
    clock.advance(1);
    await expect.poll(() => up.calls.length).toBe(1);
    s.setFlushInterval(5_000);
    s.sink(entry(2));
    await s.idle();
    clock.advance(5_000);
    await expect.poll(() => up.calls.length).toBe(2);
  });

  it('survives a folder it cannot write: one clear warning, bounded memory, no throw', async () => {
    const blocker = path.join(dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    const warnings: string[] = [];
    const s = new LogStore({
      dir: path.join(blocker, 'logs'),
      clock: new ManualClock(),
      maxBufferedEntries: 10,
      onWarning: (m) => warnings.push(m),
    });
    store = s;
    for (let i = 0; i < 50; i++) s.sink(entry(i));
    await s.idle();
    for (let i = 0; i < 50; i++) s.sink(entry(i));
    await s.idle();
    expect(warnings.filter((w) => w.startsWith('Cannot write the local log')).length).toBe(1);
    expect(warnings[0]).toContain('not-a-folder');
    expect(s.stats().buffered).toBeLessThanOrEqual(10);
    expect(s.stats().dropped).toBeGreaterThan(0);
  });

  it('skips torn lines left by a crash and fields that cannot be serialised', async () => {
    await writeFile(
      path.join(dir, 'log-0000000000001-000000-aaaaaa.jsonl'),
      `${JSON.stringify(entry(1))}\n{"ts":12,"lev`,
    );
    const up = fakeUpstream();
    const { store: s } = open({ upload: up.upload });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    s.sink({ ...entry(2), fields: circular });
    s.sink({ ...entry(3), fields: { big: 10n } });
    await s.flushUpstream(); // the old file first
    await s.flushUpstream(); // then the new one
    expect(up.entries().map((e) => e.ts)).toEqual([entry(1).ts, entry(2).ts, entry(3).ts]);
    expect(up.entries()[1]?.fields).toEqual({ fields_dropped: 'not serialisable' });
  });

  it('serves the agent as a pull-mode log outbox: same batch until acknowledged, then the next', async () => {
    const up = fakeUpstream();
    const { store: s } = open();
    const outbox: LogOutbox = s;
    for (let i = 0; i < 1_500; i++) s.sink(entry(i));
    const first = await outbox.next(1000);
    expect(first?.entries.length).toBe(1000);
    expect((await outbox.next(1000))?.batchId).toBe(first?.batchId);
    up.failAfter(1);
    const io = {
      uploadLogs: async (b: LogBatchBody) => (
        await up.upload(b),
        { accepted: b.batch_id, count: b.entries.length }
      ),
    };
    expect(await uploadLogs(outbox, io, silentLogger)).toBe(1000);
    expect((await outbox.next(1000))?.entries.length).toBe(500);
    up.failAfter(Infinity);
    expect(await uploadLogs(outbox, io, silentLogger)).toBe(500);
    expect(await outbox.next(1000)).toBeNull();
    expect(up.entries().length).toBe(1_500);
    expect(await logFiles()).toEqual([]);
  });

  it('uploads info and above only, redacted; the local file keeps what was written', async () => {
    const up = fakeUpstream();
    const home = '/home/alice';
    const { store: s } = open({ upload: up.upload, redactor: createRedactor({ homeDir: home }) });
    const log = createLogger([s.sink], { source: 'agent', minLevel: 'debug' });
    const email = 'alice@example.org';
    const wallet = '0x52908400098527886E0F7030069857D2E4169EE7';
    log.debug(`raw frame from 203.0.113.9 for ${home}/x`);
    log.info(`Loaded node key from ${home}/.local/share/resultity-node/testnet/keys.`, {
      path: `${home}/models`,
      apiKey: 'vllm-key-1234567890',
    });
    log.warn(`Owner ${email} bound wallet ${wallet}; peer 203.0.113.9.`);
    await s.idle();
    const written = await readFile(path.join(dir, (await logFiles())[0]!), 'utf8');
    // The planted values really are in what the uploader reads…
    for (const v of [home, email, wallet, '203.0.113.9', 'vllm-key-1234567890', 'raw frame']) {
      expect(written).toContain(v);
    }
    await s.flushUpstream();
    const sent = up.entries();
    // …and none of them, nor the debug line, is uploaded.
    expect(sent.map((e) => e.level)).toEqual(['info', 'warn']);
    expect(sent.map((e) => e.message)).toEqual([
      'Loaded node key from ~/.local/share/resultity-node/testnet/keys.',
      `Owner [email:${shortHash(email)}] bound wallet [wallet:${shortHash(wallet)}]; peer [ip].`,
    ]);
    expect(sent[0]!.fields).toEqual({ path: '~/models', apiKey: '[token]' });
  });

  it('the in-memory outbox redacts too, and drops debug lines', async () => {
    const outbox = new MemoryLogOutbox(100, 'info', createRedactor({ homeDir: '/home/alice' }));
    const log = createLogger([outbox.sink], { source: 'agent', minLevel: 'debug' });
    log.debug('debug detail');
    log.info('cache in /home/alice/.cache, Bearer abcdefghijklmnop1234');
    expect((await outbox.next(10))?.entries.map((e) => e.message)).toEqual([
      'cache in ~/.cache, Bearer [token]',
    ]);
  });
});
