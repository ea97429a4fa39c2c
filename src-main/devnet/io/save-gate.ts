import type { Logger } from '../../core/logger.js';

/** What the gate saves through (the state store; a devnet without --state-dir saves nothing). */
export interface Saver {
  /** Writes every change made so far, synchronously; false when it could not (already logged). */
  commit(): boolean;
}

/**
 * Answers that promise durability go out only after a save: a result acknowledgement, a
 * submission. The acks of one event-loop turn share one commit (group commit), so a result
 * acknowledged to a node survives a kill -9 of the devnet right after.
 */
export class SaveGate {
  private waiting: (() => void)[] = [];

  constructor(
    private readonly saver: Saver,
    private readonly logger: Logger,
  ) {}

  /** Saves now; false when the save failed. */
  saveNow(): boolean {
    return this.saver.commit();
  }

  /** Runs `answer` once everything changed so far is saved (in the next turn, with the others). */
  whenSaved(answer: () => void): void {
    this.waiting.push(answer);
    if (this.waiting.length === 1) setImmediate(() => this.release());
  }

  private release(): void {
    const answers = this.waiting;
    this.waiting = [];
    if (!this.saver.commit()) {
      // Not saved: no answer. The node sends its result again (ack timeout) and is answered then.
      this.logger.warn('results left unacknowledged: the devnet state could not be saved', {
        count: answers.length,
      });
      return;
    }
    for (const answer of answers) answer();
  }
}
