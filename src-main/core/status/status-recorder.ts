import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { Emitter, type Event } from '../base/event.js';
import type { Clock, TimerHandle } from '../clock.js';
import type { JobEvent } from '../jobs/job-engine-api.js';
import type { Logger } from '../logger.js';
import { JsonFileError, readJsonFile, writeFileAtomic } from '../store/atomic-file.js';
import { Timeline, TimelineFile, type Segment } from './timeline.js';
import { Totals, TotalsFile, type TotalsView } from './totals.js';

export interface StatusRecorderOptions {
  /** Folder of this network's history files (`<data>/<network>/history`). */
  dir: string;
  clock: Clock;
  logger: Logger;
  /** How often uptime is added and the timeline's open segment extended. */
  tickMs?: number;
  /** How often changed totals and timeline are written. */
  flushMs?: number;
}

/**
 * Keeps the Overview's history across restarts: totals (jobs, tokens, failures, accepted,
 * uptime; today, 7 days, lifetime) and the last 24 h of serving states, one JSON file each,
 * written atomically and bounded in size. A damaged file is moved aside (named in a warning)
 * and a fresh one started, so a bad file never stops the node.
 */
export class StatusRecorder {
  private readonly totalsFile: string;
  private readonly timelineFile: string;
  private readonly totalsChanged = new Emitter<TotalsView>();
  private readonly timelineChanged = new Emitter<Segment[]>();
  readonly onTotals: Event<TotalsView> = this.totalsChanged.event;
  readonly onTimeline: Event<Segment[]> = this.timelineChanged.event;
  private running = false;
  private lastTick: number;
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();
  private readonly timers: TimerHandle[] = [];
  /** Test task IDs seen recently, so their acknowledgements are not counted. */
  private readonly testJobs = new Set<string>();
  private readonly tickMs: number;

  private constructor(
    private readonly o: StatusRecorderOptions,
    private readonly totals: Totals,
    private readonly timeline: Timeline,
  ) {
    this.totalsFile = join(o.dir, 'totals.json');
    this.timelineFile = join(o.dir, 'timeline.json');
    this.lastTick = o.clock.now();
    const tickMs = (this.tickMs = o.tickMs ?? 5_000);
    this.timers.push(o.clock.setInterval(() => this.tick(), tickMs));
    this.timers.push(o.clock.setInterval(() => void this.flush(), o.flushMs ?? 30_000));
  }

  static async open(o: StatusRecorderOptions): Promise<StatusRecorder> {
    const now = o.clock.now();
    const [totals, timeline] = await Promise.all([
      readOrNull(join(o.dir, 'totals.json'), TotalsFile, o.logger, now),
      readOrNull(join(o.dir, 'timeline.json'), TimelineFile, o.logger, now),
    ]);
    return new StatusRecorder(
      o,
      new Totals(now, totals ?? undefined),
      new Timeline(timeline?.segments ?? []),
    );
  }

  /** Counts a job outcome (the network's test task and node-side refusals are not counted). */
  onJob(e: JobEvent): void {
    if (e.test) {
      if (this.testJobs.size > 1000) this.testJobs.clear();
      this.testJobs.add(e.jobId);
      return;
    }
    const now = this.o.clock.now();
    if (e.kind === 'completed') this.totals.add(now, { jobs: 1, tokens: e.completionTokens ?? 0 });
    else if (e.kind === 'failed') this.totals.add(now, { failures: 1 });
    else if (e.kind === 'acked' && e.outcome === 'accepted' && !this.testJobs.has(e.jobId))
      this.totals.add(now, { accepted: 1 });
    else return;
    this.changed();
  }

  /** Whether the node is started: uptime counts only then. */
  setRunning(running: boolean): void {
    if (running === this.running) return;
    this.addUptime();
    this.running = running;
  }

  /** Records the headline; a new phase or sentence starts a new timeline segment. */
  recordServing(phase: string, headline: string): void {
    if (this.timeline.record(this.o.clock.now(), phase, headline)) {
      this.dirty = true;
      this.timelineChanged.fire(this.timelineNow());
    }
  }

  totalsNow(): TotalsView {
    return this.totals.view(this.o.clock.now());
  }

  timelineNow(): Segment[] {
    return this.timeline.view(this.o.clock.now());
  }

  /** Writes what changed since the last write (one write at a time). */
  flush(): Promise<void> {
    if (!this.dirty) return this.writing;
    this.dirty = false;
    const totals = JSON.stringify(this.totals.toJSON());
    const timeline = JSON.stringify(this.timeline.toJSON());
    this.writing = this.writing
      .then(async () => {
        await mkdir(this.o.dir, { recursive: true, mode: 0o700 });
        await writeFileAtomic(this.totalsFile, totals);
        await writeFileAtomic(this.timelineFile, timeline);
      })
      .catch((err: unknown) => {
        this.dirty = true;
        this.o.logger.warn(
          `Could not save the Overview's totals in ${this.o.dir}: ${(err as Error).message}`,
        );
      });
    return this.writing;
  }

  /** Adds the last uptime, writes everything and stops the timers. */
  async dispose(): Promise<void> {
    for (const t of this.timers) this.o.clock.clearInterval(t);
    this.addUptime();
    this.timeline.extend(this.o.clock.now());
    this.dirty = true;
    await this.flush();
  }

  private tick(): void {
    const added = this.addUptime();
    this.timeline.extend(this.o.clock.now());
    this.dirty = true;
    if (added) this.changed();
  }

  private addUptime(): boolean {
    const now = this.o.clock.now();
    // A machine that slept is not up: at most two ticks count at once.
    const ms = Math.min(Math.max(0, now - this.lastTick), 2 * this.tickMs);
    this.lastTick = now;
    if (!this.running || ms === 0) return false;
    this.totals.add(now, { uptimeMs: ms });
    return true;
  }

  private changed(): void {
    this.dirty = true;
    this.totalsChanged.fire(this.totalsNow());
  }
}

async function readOrNull<S extends z.ZodType>(
  path: string,
  schema: S,
  logger: Logger,
  now: number,
): Promise<z.output<S> | null> {
  try {
    return await readJsonFile(path, schema);
  } catch (err) {
    if (err instanceof JsonFileError && err.problem === 'missing') return null;
    const aside = `${path}.damaged-${now}`;
    await rename(path, aside).catch(() => undefined);
    logger.warn(
      `${(err as Error).message} Started a fresh one; the old file was kept as ${aside}.`,
    );
    return null;
  }
}
