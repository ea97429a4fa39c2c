/**
 * Whether the job journal can be written (docs/PROTOCOL.md, "Not accepting (disk full)"): a
 * node that cannot record jobs must not take any, and tells the network so.
 */
export interface JournalHealth {
  /** Why the last write failed (disk full, read-only disk…); null while writes succeed. */
  readonly writeProblem: string | null;
  /** Called with the problem when writes start failing, and with null when they work again. */
  onWriteProblem(listener: (problem: string | null) => void): () => void;
  /**
   * While failing: tries a write of some headroom next to the journal; true (and the problem
   * cleared) if it worked. Only this clears the problem: one small record that happened to fit
   * must not invite the network back to a disk that is still full.
   */
  probe(): Promise<boolean>;
}
