import type { JobEvent } from '../service/host-api.js';

const SHOWN = 5;

/** The jobs this node holds right now (received, accepted or running), from its job events. */
export class InFlightJobs {
  private readonly ids = new Set<string>();

  readonly apply = (e: JobEvent): void => {
    if (e.kind === 'received' || e.kind === 'accepted' || e.kind === 'running') {
      this.ids.add(e.jobId);
    } else if (e.kind !== 'acked') {
      this.ids.delete(e.jobId);
    }
  };

  list(): string[] {
    return [...this.ids];
  }
}

const named = (ids: string[]) =>
  ids.slice(0, SHOWN).join(', ') + (ids.length > SHOWN ? ` and ${ids.length - SHOWN} more` : '');

const jobs = (n: number) => `${n} ${n === 1 ? 'job' : 'jobs'}`;

/** What the terminal says when a stop starts: what it waits for, and how to stop waiting. */
export function drainingWords(ids: string[], timeoutS: number): string {
  if (ids.length === 0) return 'Stopping: no job is running; closing the session with the network.';
  return (
    `Stopping: waiting for ${jobs(ids.length)} to finish (at most ${timeoutS} s): ${named(ids)}. ` +
    'Press Ctrl-C again to stop now and abandon them (the network gives them to another node).'
  );
}

/** What the terminal says when a second Ctrl-C cuts the drain short. */
export function abandonedWords(ids: string[]): string {
  if (ids.length === 0) return 'Stopped at once; no job was running.';
  return `Stopped at once; abandoned ${jobs(ids.length)}: ${named(ids)}. The network gives them to another node.`;
}
