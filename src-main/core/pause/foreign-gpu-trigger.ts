import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../logger.js';
import { programName, type ComputeApp } from '../runtime/gpu/compute-apps.js';
import type { PauseController } from './pause-controller.js';

export interface ForeignGpuTriggerOptions {
  clock: Clock;
  pauses: Pick<PauseController, 'request' | 'release'>;
  /** The GPU's compute processes now; null when nvidia-smi could not tell (nothing changes). */
  listApps: () => Promise<ComputeApp[] | null>;
  /** Host process IDs of the node's own runtime containers (asked only about new processes). */
  ownPids: () => Promise<Set<number>>;
  /** How often the GPU's processes are listed. Default 3 s. */
  pollMs?: number;
  /** Polls in a row a foreign process must be seen on before the node pauses. Default 2. */
  confirmPolls?: number;
  /** How long the GPU must stay free of foreign processes before the node resumes. Default 20 s. */
  settleMs?: number;
  /**
   * The node is starting its runtime again after a pause. The same programs back on the GPU
   * during that, twice in a row, come with the node's own runtime (an engine whose PIDs differ
   * from the driver's, as under Docker Desktop): they stop counting as foreign.
   */
  resuming?: () => boolean;
  log: Logger;
}

const SOURCE = 'foreign-gpu-process';

/**
 * Pauses the node while another program computes on the GPU (docs/OPERATING.md, "Other programs
 * on the GPU"). Our own runtime containers' processes are told apart by the host PIDs the Docker
 * engine lists for them, asked only when a process the trigger does not know appears. A PID once
 * found in our container stays ours until it leaves the GPU: a stopping runtime can linger on the
 * GPU after its container is gone, and must not count as foreign. While paused our runtime is
 * stopped, so what is left on the GPU is foreign; the pause ends once none has been seen for
 * `settleMs` (a program that flickers on and off does not restart the runtime each time).
 */
export class ForeignGpuTrigger {
  private readonly ours = new Set<number>();
  private timer: TimerHandle | null = null;
  private running = false;
  private seenPolls = 0;
  private lastSeen: number | null = null;
  private requested = false;
  private failing = false;
  /** Program names that came back with every resume: taken to be the runtime's own. */
  private readonly suspected = new Set<string>();
  private lastRelease: { names: string } | null = null;
  private relapses = 0;
  /** Bumped by each start: a poll loop of an earlier start ends itself. */
  private generation = 0;

  constructor(private readonly o: ForeignGpuTriggerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.generation += 1;
    this.schedule(0, this.generation);
  }

  /** Stops watching and withdraws its request (the setting was turned off). */
  stop(): void {
    this.running = false;
    if (this.timer !== null) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
    this.seenPolls = 0;
    this.lastSeen = null;
    if (this.requested) this.o.pauses.release(SOURCE);
    this.requested = false;
  }

  /** One look at the GPU (the loop calls it; tests may call it directly). */
  async poll(): Promise<void> {
    const apps = await this.o.listApps().catch(() => null);
    if (!this.running) return;
    if (apps === null) {
      if (!this.failing) this.o.log.warn('Could not list the GPU processes; trying again.');
      this.failing = true;
      return;
    }
    this.failing = false;
    const foreign = await this.foreignOf(apps);
    if (!this.running) return;
    const now = this.o.clock.now();
    if (foreign.length > 0) {
      this.seenPolls += 1;
      this.lastSeen = now;
      if (this.seenPolls >= (this.o.confirmPolls ?? 2)) this.ask(foreign);
      return;
    }
    this.seenPolls = 0;
    if (this.requested && now - (this.lastSeen ?? now) >= (this.o.settleMs ?? 20_000)) {
      this.o.log.info('No other program uses the GPU any more.');
      this.release();
    }
  }

  private release(): void {
    this.requested = false;
    this.lastRelease = { names: this.askedNames };
    this.o.pauses.release(SOURCE);
  }

  private askedNames = '';

  private async foreignOf(apps: ComputeApp[]): Promise<ComputeApp[]> {
    const present = new Set(apps.map((a) => a.pid));
    for (const pid of this.ours) if (!present.has(pid)) this.ours.delete(pid);
    const unknown = apps.filter((a) => !this.ours.has(a.pid));
    if (unknown.length === 0) return [];
    const own = await this.o.ownPids().catch((err: unknown) => {
      this.o.log.warn(`Could not list the runtime's processes: ${String(err)}`);
      return new Set<number>();
    });
    for (const a of unknown) if (own.has(a.pid)) this.ours.add(a.pid);
    return unknown.filter(
      (a) => !this.ours.has(a.pid) && !this.suspected.has(programName(a.processName)),
    );
  }

  private ask(foreign: ComputeApp[]): void {
    const names = [...new Set(foreign.map((a) => programName(a.processName)))];
    if (!this.requested && this.relapsed(names)) return;
    this.askedNames = names.join('\n');
    const first = names[0] ?? 'another program';
    const reason =
      names.length === 1
        ? `${first} is using the GPU`
        : `${first} and ${names.length - 1} other program${names.length > 2 ? 's' : ''} are using the GPU`;
    if (!this.requested) {
      const pids = foreign.map((a) => a.pid).join(', ');
      this.o.log.info(`Another program uses the GPU (PID ${pids}): pausing.`);
    }
    this.requested = true;
    this.o.pauses.request(SOURCE, { reason, resumes: 'resumes when it closes' });
  }

  /** Counts a pause asked again for the same programs right after a resume; true: ignore them. */
  private relapsed(names: string[]): boolean {
    const again = this.lastRelease?.names === names.join('\n') && (this.o.resuming?.() ?? false);
    this.relapses = again ? this.relapses + 1 : 0;
    if (this.relapses < 2) return false;
    for (const n of names) this.suspected.add(n);
    this.o.log.warn(
      `${names.join(', ')} appeared on the GPU each time the node's runtime started again: ` +
        'the node takes it for its own runtime and no longer pauses for it (restart the node to undo).',
    );
    return true;
  }

  private schedule(ms: number, generation: number): void {
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = null;
      void this.poll().finally(() => {
        if (this.running && generation === this.generation) {
          this.schedule(this.o.pollMs ?? 3_000, generation);
        }
      });
    }, ms);
  }
}
