import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { JobEngine, type JobEngineOptions } from '../../../src-main/core/jobs/job-engine.js';
import type { JobEvent } from '../../../src-main/core/jobs/job-engine-api.js';
import { snapshotDigest } from '../../../src-main/core/protocol/snapshot.js';
import type { ConfigSnapshot } from '../../../src-main/core/protocol/schemas/snapshot.js';
import type { Job, NodeMessageType } from '../../../src-main/core/protocol/schemas/ws.js';
import { ExternalRuntime } from '../../../src-main/core/runtime/external-runtime.js';
import { existsSync, readFileSync } from 'node:fs';
import type { JobJournal, JournalRecord } from '../../../src-main/core/store/journal.js';
import { applyLine, parseLine } from '../../../src-main/core/store/journal-file-lines.js';
import { openJobJournal } from '../../../src-main/core/store/journal-open.js';
import { defaultSnapshot } from '../../../src-main/devnet/io/default-snapshot.js';
import {
  startFakeOpenAI,
  type FakeOpenAIOptions,
  type FakeOpenAIServer,
} from '../../helpers/fake-openai-server.js';
import { ManualClock } from '../../helpers/manual-clock.js';

export const MODEL = 'sim-chat-1b';

export interface Sent {
  type: NodeMessageType;
  body: Record<string, unknown>;
}

/** A job engine wired to a real local OpenAI server, the real file journal and a fake link. */
export interface Harness {
  server: FakeOpenAIServer;
  runtime: ExternalRuntime;
  clock: ManualClock;
  dir: string;
  journal: JobJournal;
  /** The state another process would read from the journal file right now. */
  durableState(jobId: string): string | undefined;
  engine: JobEngine;
  config: ConfigSnapshot;
  digest: string;
  sent: Sent[];
  events: JobEvent[];
  link: { up: boolean };
  /** Called at each send, before it is recorded (to check what is durable at that moment). */
  onSend: ((s: Sent) => void) | null;
  /** Opens a fresh journal and engine on the same file (a restart). */
  restart(): Promise<void>;
  /** Like a crash: the journal file is closed mid-stream, nothing acked, a new engine opens it. */
  crash(): Promise<void>;
  sentOf(type: NodeMessageType): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  server?: FakeOpenAIOptions;
  config?: (c: ConfigSnapshot) => ConfigSnapshot;
  engine?: Partial<JobEngineOptions>;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const server = await startFakeOpenAI({ models: [MODEL], ...opts.server });
  const clock = new ManualClock();
  const runtime = new ExternalRuntime({ url: server.url, clock, simulated: true });
  await runtime.apply({
    model: { name: 'org/sim', servedName: MODEL, revision: 'r1', maxModelLen: 8192 },
    image: null,
    maxNumSeqs: 64,
    gpuMemoryHeadroomMb: 0,
  });
  const base = defaultSnapshot('local', {}, clock.now());
  const config = opts.config ? opts.config(base) : base;
  const digest = snapshotDigest(config);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rn-jobs-'));
  const sent: Sent[] = [];
  const events: JobEvent[] = [];
  const link = { up: true };
  const h = {
    server,
    runtime,
    clock,
    dir,
    config,
    digest,
    sent,
    events,
    link,
  } as Harness;
  h.durableState = (jobId) => fileState(path.join(dir, 'jobs.jsonl'), jobId);
  let current = 0;
  const make = () => {
    const generation = ++current;
    h.journal = openJobJournal(dir);
    h.engine = new JobEngine({
      runtime,
      journal: h.journal,
      clock,
      link: {
        send: (type, body) => {
          if (!link.up || generation !== current) return false;
          const s = { type, body: body as Record<string, unknown> };
          h.onSend?.(s);
          sent.push(s);
          return true;
        },
      },
      ...opts.engine,
    });
    h.engine.setConfig(config, digest);
    h.engine.onEvent((e) => events.push(e));
  };
  make();
  h.onSend = null;
  h.restart = async () => {
    await h.engine.close();
    await h.journal.close();
    make();
  };
  h.crash = async () => {
    // The process dies: the file keeps what was committed, the old engine can send nothing more.
    current++;
    const old = h.engine;
    await h.journal.close();
    make();
    await old.close();
  };
  h.sentOf = (type) => sent.filter((s) => s.type === type).map((s) => s.body);
  h.close = async () => {
    await h.engine.close().catch(() => undefined);
    await h.journal.close();
    await runtime.stop();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  };
  return h;
}

let seq = 0;
export function makeJob(clock: ManualClock, overrides: Partial<Job> = {}): Job {
  seq++;
  return {
    job_id: `job-${seq}`,
    model: MODEL,
    kind: 'chat',
    messages: [{ role: 'user', content: 'Say hello.' }],
    max_tokens: 64,
    assigned_at: clock.now(),
    deadline_at: clock.now() + 60_000,
    ...overrides,
  } as Job;
}

function fileState(file: string, jobId: string): string | undefined {
  const records = new Map<string, JournalRecord>();
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  for (const raw of text.split('\n')) {
    const line = raw ? parseLine(raw) : null;
    if (line) applyLine(records, line);
  }
  return records.get(jobId)?.state;
}
