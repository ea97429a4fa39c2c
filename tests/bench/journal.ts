/**
 * Job journal micro-benchmark: drives each journal implementation with the job engine's write pattern
 * (received + accepted in one turn, running, result_ready with a ~1 KB result, acked — five
 * writes a job, each awaited before the next like the engine does) at a target job rate, with
 * pruning running, and prints committed writes/s, the event-loop time spent in commits and the
 * event-loop delay (monitorEventLoopDelay). A baseline row runs the same feeder without a
 * journal, to separate the machine's own scheduling noise from the journal's cost.
 *
 *   npx tsx tests/bench/journal.ts [seconds=5] [rates=1000,2000,4000]
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { outputHash } from '../../src-main/core/jobs/job-result.js';
import type { Job, JobResultBody } from '../../src-main/core/protocol/schemas/ws.js';
import { FileJobJournal } from '../../src-main/core/store/journal-file.js';
import { SqliteJobJournal } from './journal-sqlite.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const PROMPT = 'Summarise the following text in two sentences. '.repeat(10); // ~500 bytes
const OUTPUT = 'The quick brown fox jumps over the lazy dog. '.repeat(22); // ~1 KB

function job(i: number, now: number): Job {
  return {
    job_id: `bench-${i}`,
    model: 'sim-chat-1b',
    kind: 'chat',
    messages: [{ role: 'user', content: PROMPT }],
    max_tokens: 256,
    assigned_at: now,
    deadline_at: now + 60_000,
  } as Job;
}

function result(id: string, now: number): JobResultBody {
  return {
    job_id: id,
    model: 'sim-chat-1b',
    status: 'completed',
    output: OUTPUT,
    output_hash: outputHash(OUTPUT),
    finish_reason: 'stop',
    usage: { prompt_tokens: 120, completion_tokens: 230 },
    timings: {
      received_at: now,
      started_at: now,
      first_token_at: now,
      finished_at: now,
      runtime_ms: 0,
    },
    config_digest: DIGEST,
  };
}

type Mode =
  | 'baseline'
  | { store: 'sqlite'; sync: 'NORMAL' | 'FULL' }
  | { store: 'file'; sync: 'none' | 'fsync' };

function label(mode: Mode): string {
  if (mode === 'baseline') return 'baseline (no journal)';
  return mode.store === 'sqlite' ? `sqlite, synchronous=${mode.sync}` : `file, sync=${mode.sync}`;
}

function openJournal(file: string, mode: Mode): SqliteJobJournal | FileJobJournal {
  if (mode !== 'baseline' && mode.store === 'sqlite')
    return new SqliteJobJournal({ path: file, synchronous: mode.sync });
  return new FileJobJournal({ path: file, sync: mode === 'baseline' ? 'none' : mode.sync });
}

interface Figures {
  label: string;
  jobsPerSec: number;
  writesPerSec: number;
  commitsPerSec: number;
  writesPerCommit: number;
  /** Event-loop time spent inside commits, per second of wall time. */
  busyMsPerSec: number;
  maxCommitMs: number;
  p50: number;
  p99: number;
  max: number;
  fileKiB: number;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function runOnce(
  dir: string,
  mode: Mode,
  targetJobsPerSec: number,
  seconds: number,
): Promise<Figures> {
  const file = path.join(dir, `${label(mode).replace(/\W+/g, '-')}-${targetJobsPerSec}`);
  const journal = openJournal(file, mode);
  const total = Math.round(targetJobsPerSec * seconds);
  let issued = 0;
  let done = 0;
  const lifecycle = async (i: number) => {
    const now = Date.now();
    const j = job(i, now);
    if (mode === 'baseline') {
      // The same objects and turns, no journal.
      result(j.job_id, now);
      for (let k = 0; k < 4; k++) await nextTurn();
    } else {
      await Promise.all([
        journal.received(j, now, DIGEST),
        journal.transition(j.job_id, 'accepted', now),
      ]);
      await journal.transition(j.job_id, 'running', Date.now());
      await journal.resultReady(j.job_id, result(j.job_id, now), Date.now());
      await journal.acked(j.job_id, 'completed', Date.now(), 'accepted');
    }
    done++;
  };
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    // Jobs arrive at the target rate, in small bursts every millisecond like WebSocket frames.
    const feeder = setInterval(() => {
      const elapsed = (performance.now() - t0) / 1000;
      const due = Math.min(total, Math.floor(elapsed * targetJobsPerSec));
      while (issued < due) void lifecycle(issued++);
      if (issued >= total) clearInterval(feeder);
    }, 1);
    // The engine's housekeeping prunes finished records; keep a 1 s retention here.
    const pruner = setInterval(() => journal.pruneFinished(Date.now() - 1_000), 1_000);
    const waiter = setInterval(() => {
      if (done < total) return;
      clearInterval(waiter);
      clearInterval(pruner);
      resolve();
    }, 5);
  });
  const elapsed = (performance.now() - t0) / 1000;
  delay.disable();
  const size = async (f: string) => (await stat(f).catch(() => ({ size: 0 }))).size;
  const fileKiB = ((await size(file)) + (await size(`${file}-wal`))) / 1024;
  await journal.close();
  const ms = (ns: number) => ns / 1e6;
  const s = journal.stats;
  return {
    label: label(mode),
    jobsPerSec: total / elapsed,
    writesPerSec: s.writes / elapsed,
    commitsPerSec: s.commits / elapsed,
    writesPerCommit: s.commits ? s.writes / s.commits : 0,
    busyMsPerSec: s.busyMs / elapsed,
    maxCommitMs: s.maxCommitMs,
    p50: ms(delay.percentile(50)),
    p99: ms(delay.percentile(99)),
    max: ms(delay.max),
    fileKiB,
  };
}

function row(f: Figures, rate: number): string {
  return [
    f.label.padEnd(26),
    String(rate).padStart(6),
    f.jobsPerSec.toFixed(0).padStart(7),
    f.writesPerSec.toFixed(0).padStart(9),
    f.commitsPerSec.toFixed(0).padStart(9),
    f.writesPerCommit.toFixed(1).padStart(8),
    f.busyMsPerSec.toFixed(1).padStart(11),
    f.maxCommitMs.toFixed(1).padStart(10),
    f.p50.toFixed(2).padStart(8),
    f.p99.toFixed(2).padStart(7),
    f.max.toFixed(1).padStart(7),
    f.fileKiB.toFixed(0).padStart(8),
  ].join(' ');
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const rates = (process.argv[3] ?? '1000,2000,4000').split(',').map(Number);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rn-journal-bench-'));
  console.log(
    `Job journal benchmark, ${seconds} s a run, Node ${process.version}, ` +
      `${os.cpus().length} CPUs, load average ${os.loadavg()[0]?.toFixed(1)}`,
  );
  console.log(
    'mode                       jobs/s target  writes/s commits/s  w/commit commit ms/s  max commit  loop p50     p99     max  file KiB',
  );
  const modes: Mode[] = [
    'baseline',
    { store: 'file', sync: 'none' },
    { store: 'file', sync: 'fsync' },
    { store: 'sqlite', sync: 'NORMAL' },
    { store: 'sqlite', sync: 'FULL' },
  ];

  try {
    for (const mode of modes) {
      for (const rate of rates) console.log(row(await runOnce(dir, mode, rate, seconds), rate));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  console.log(
    'Times in ms. "commit ms/s": event-loop time the journal used per second. "max commit": ' +
      'longest commit — on the event loop for sqlite, on the thread pool (write + fsync) for file.',
  );
}

await main();
