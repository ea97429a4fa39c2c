import { join } from 'node:path';
import { Emitter, type Event } from '../base/event.js';
import type { Clock } from '../clock.js';
import type { JobEvent } from '../jobs/job-engine-api.js';
import type { Logger } from '../logger.js';
import { BenchmarkReport } from '../protocol/index.js';
import { JsonFileError, readJsonFile, writeFileAtomic } from '../store/atomic-file.js';
import type { DataDirs } from '../store/data-dirs.js';

/** Where a network's last benchmark is kept: it is shown and reported after a restart too. */
export function benchmarkFile(dirs: DataDirs): string {
  return join(dirs.base, 'benchmark.json');
}

/**
 * The test task as a benchmark: each completed test job's tokens per second and time to first
 * token, kept per network and reported in heartbeats. The first test of a run is the
 * registration's; later ones are re-checks.
 */
export class BenchmarkRecorder {
  private last: BenchmarkReport | null = null;
  private testsThisRun = 0;
  private writing: Promise<void> = Promise.resolve();
  private readonly changed = new Emitter<BenchmarkReport>();
  readonly onChange: Event<BenchmarkReport> = this.changed.event;

  constructor(
    private readonly file: string,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Loads the stored benchmark; a damaged file is reported and replaced by the next test. */
  async load(): Promise<BenchmarkReport | null> {
    try {
      this.last = await readJsonFile(this.file, BenchmarkReport);
    } catch (err) {
      if (!(err instanceof JsonFileError && err.problem === 'missing')) {
        this.log.warn(`The stored benchmark was not used: ${(err as Error).message}`);
      }
    }
    return this.last;
  }

  current(): BenchmarkReport | null {
    return this.last;
  }

  /** A new run (Start): its first test task is the registration's. */
  newRun(): void {
    this.testsThisRun = 0;
  }

  /** Feeds a job event; a completed test job with tokens becomes the benchmark. */
  observe(e: JobEvent): void {
    if (!e.test || e.kind !== 'completed') return;
    if (e.tokensPerSecond === undefined || !e.completionTokens) return;
    const report: BenchmarkReport = {
      model: e.model,
      tokens_per_second: Math.round(e.tokensPerSecond * 10) / 10,
      ttft_ms: e.ttftMs === undefined ? null : Math.max(0, Math.round(e.ttftMs)),
      completion_tokens: e.completionTokens,
      measured_at: this.clock.now(),
      kind: this.testsThisRun === 0 ? 'registration' : 'recheck',
    };
    this.testsThisRun += 1;
    this.last = report;
    this.changed.fire(report);
    this.writing = this.writing
      .then(() => writeFileAtomic(this.file, `${JSON.stringify(report)}\n`, { mode: 0o600 }))
      .catch((err: unknown) =>
        this.log.warn(`The benchmark could not be saved: ${(err as Error).message}`),
      );
  }

  /** Resolves once the last benchmark is on disk (tests, shutdown). */
  flushed(): Promise<void> {
    return this.writing;
  }
}
