import path from 'node:path';
import type { Logger } from '../logger.js';
import type { JobJournal } from './journal.js';
import type { JournalHealth } from './journal-health.js';
import { FileJobJournal } from './journal-file.js';

export interface OpenJournalOptions {
  /**
   * true: every commit waits for fdatasync (survives a power cut; ~7 ms per commit here).
   * false: no fsync at all. Default: the OS has every record before the node acts on it (a
   * crash of the app loses nothing) and fdatasync follows within 50 ms; a power cut can lose
   * that window, which the network recovers by reassigning the jobs it has no result for.
   * Measured with `npm run bench` (docs/OPERATING.md, Benchmark).
   */
  fsync?: boolean;
  /** Finished records last updated before this are not loaded (FileJournalOptions). */
  forgetFinishedBefore?: number;
  logger?: Logger;
}

/**
 * Opens the job journal in the network's journal folder (DataDirs.journal): append-only JSON
 * lines with group commit, all disk I/O (and the fsync) on the thread pool — measured ~10× less
 * event-loop time than a node:sqlite journal at 1,000 jobs/s (tests/bench/journal.ts keeps that
 * SQLite journal as its comparison baseline).
 */
export function openJobJournal(
  dir: string,
  options: OpenJournalOptions = {},
): JobJournal & JournalHealth {
  const fsync = options.fsync;
  const logger = options.logger ? { logger: options.logger } : {};
  return new FileJobJournal({
    path: path.join(dir, 'jobs.jsonl'),
    sync: fsync === true ? 'fsync' : fsync === false ? 'none' : 'background',
    ...(options.forgetFinishedBefore !== undefined
      ? { forgetFinishedBefore: options.forgetFinishedBefore }
      : {}),
    ...logger,
  });
}
