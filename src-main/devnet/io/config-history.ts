import { parseOrThrow } from '../../core/protocol/parse.js';
import { ConfigSnapshot, type SignedSnapshot } from '../../core/protocol/schemas/snapshot.js';
import { signSnapshot } from '../../core/protocol/snapshot.js';
import { mergePatch } from './merge-patch.js';
import type { NetworkKey } from './network-key.js';

export interface HistoryEntry {
  signed: SignedSnapshot;
  snapshot: ConfigSnapshot;
  serial: number;
}

export class ConfigConflictError extends Error {
  override readonly name = 'ConfigConflictError';
}

/** What an admin publishes: a whole snapshot, or a merge patch onto the current one. */
export type PublishInput =
  { snapshot: unknown; merge?: undefined } | { merge: unknown; snapshot?: undefined };

/**
 * The devnet's signed snapshot history. Serials strictly increase; every entry is kept so the
 * "replay an old snapshot" fault can serve a genuine, correctly signed older one.
 */
export class ConfigHistory {
  private readonly entries: HistoryEntry[] = [];

  constructor(
    private readonly key: NetworkKey,
    restored: SignedSnapshot[],
    initial: ConfigSnapshot,
    private readonly onPublish: (entry: HistoryEntry) => void = () => {},
  ) {
    for (const signed of restored) this.entries.push(this.restore(signed));
    this.entries.sort((a, b) => a.serial - b.serial);
    if (this.entries.length === 0) this.append(parseOrThrow(ConfigSnapshot, initial, 'snapshot'));
  }

  get current(): HistoryEntry {
    return this.entries[this.entries.length - 1]!;
  }

  all(): readonly HistoryEntry[] {
    return this.entries;
  }

  bySerial(serial: number): HistoryEntry | undefined {
    return this.entries.find((e) => e.serial === serial);
  }

  byDigest(digest: string): HistoryEntry | undefined {
    return this.entries.find((e) => e.signed.config_digest === digest);
  }

  /** The newest entry older than the current one, for the replay fault. */
  previous(serial?: number): HistoryEntry | undefined {
    if (serial !== undefined)
      return serial < this.current.serial ? this.bySerial(serial) : undefined;
    return this.entries[this.entries.length - 2];
  }

  /**
   * Publishes a new snapshot. A merge gets serial current+1 and a fresh issued_at; a full
   * snapshot keeps a larger serial it names, otherwise gets current+1. Throws ConfigConflictError
   * for a serial that does not increase, MalformedMessageError for an invalid snapshot.
   */
  publish(input: PublishInput, now: number): HistoryEntry {
    const cur = this.current;
    let candidate: unknown;
    if (input.merge !== undefined) {
      candidate = mergePatch(cur.snapshot, input.merge);
      const patch = input.merge as { serial?: unknown };
      const c = candidate as Record<string, unknown>;
      if (patch.serial === undefined) c.serial = cur.serial + 1;
      if ((input.merge as { issued_at?: unknown }).issued_at === undefined) c.issued_at = now;
    } else {
      const s = { ...(input.snapshot as Record<string, unknown>) };
      if (s.serial === undefined) s.serial = cur.serial + 1;
      if (s.issued_at === undefined) s.issued_at = now;
      candidate = s;
    }
    const snapshot = parseOrThrow(ConfigSnapshot, candidate, 'snapshot');
    if (snapshot.serial <= cur.serial) {
      throw new ConfigConflictError(
        `serial ${snapshot.serial} is not greater than the current ${cur.serial}; leave "serial" out to get ${cur.serial + 1}`,
      );
    }
    return this.append(snapshot);
  }

  /** A stored entry; re-signed when the devnet now runs with a different network key. */
  private restore(stored: SignedSnapshot): HistoryEntry {
    const snapshot = parseOrThrow(ConfigSnapshot, stored.snapshot, 'stored snapshot');
    const signed = stored.signer === this.key.address ? stored : signSnapshot(this.key, snapshot);
    return { signed, snapshot, serial: snapshot.serial };
  }

  private append(snapshot: ConfigSnapshot): HistoryEntry {
    const entry = { signed: signSnapshot(this.key, snapshot), snapshot, serial: snapshot.serial };
    this.entries.push(entry);
    this.onPublish(entry);
    return entry;
  }
}
