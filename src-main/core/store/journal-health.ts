import type { Event } from '../base/event.js';

/**
 * Whether the job journal can be written (docs/PROTOCOL.md, "Not accepting (disk full)"): a
 * node that cannot record jobs must not take any, and tells the network so.
 */
export interface JournalHealth {
  /** Why the last write failed (disk full, read-only disk…); null while writes succeed. */
  readonly writeProblem: string | null;
  /** Fires with the problem when writes start failing, and with null when they work again. */
  readonly onWriteProblem: Event<string | null>;
  /**
   * While failing: tries a write of some headroom next to the journal; true (and the problem
   * cleared) if it worked. Only this clears the problem: one small record that happened to fit
   * must not invite the network back to a disk that is still full.
   */
  probe(): Promise<boolean>;
}
