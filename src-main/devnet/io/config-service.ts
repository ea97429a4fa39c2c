import type { ConfigSnapshot, SignedSnapshot } from '../../core/protocol/schemas/snapshot.js';
import { signSnapshot } from '../../core/protocol/snapshot.js';
import { mergePatch } from './merge-patch.js';
import type { ConfigHistory, HistoryEntry } from './config-history.js';
import type { Faults } from './faults.js';
import { networkKeyFrom, type NetworkKey } from './network-key.js';

/**
 * What nodes are shown of the configuration: normally the newest signed snapshot; under the
 * replay fault an older one, under the bad-signature fault one signed by a rogue key. The
 * devnet itself always follows the newest snapshot (`effective`).
 */
export class ConfigService {
  private readonly rogue: NetworkKey = networkKeyFrom();
  private readonly forged = new Map<string, SignedSnapshot>();

  constructor(
    readonly history: ConfigHistory,
    private readonly faults: Faults,
    private readonly networkKey: NetworkKey,
  ) {}

  private get networkAddress(): string {
    return this.networkKey.address;
  }

  get effective(): ConfigSnapshot {
    return this.history.current.snapshot;
  }

  /** The history entry nodes are offered now. */
  served(): HistoryEntry {
    const tamper = this.faults.state.tampered_snapshot;
    if (tamper) return this.tampered(tamper.merge);
    const replay = this.faults.state.replay_old_snapshot;
    if (replay) return this.history.previous(replay.serial ?? undefined) ?? this.history.current;
    return this.history.current;
  }

  servedDigest(): string {
    return this.served().signed.config_digest;
  }

  /** The signed form nodes receive for `entry` (forged under the bad-signature fault). */
  signedFor(entry: HistoryEntry = this.served()): SignedSnapshot {
    const bad = this.faults.state.bad_snapshot_signature;
    if (!bad) return entry.signed;
    const key = `${entry.serial}:${bad.signer_field}`;
    let forged = this.forged.get(key);
    if (!forged) {
      const signed = signSnapshot(this.rogue, entry.snapshot);
      forged = bad.signer_field === 'network' ? { ...signed, signer: this.networkAddress } : signed;
      this.forged.set(key, forged);
    }
    return forged;
  }

  /** The current snapshot changed by `merge`, validly signed (the schema is not checked). */
  private tampered(merge: Record<string, unknown>): HistoryEntry {
    const snapshot = mergePatch(this.history.current.snapshot, merge) as ConfigSnapshot;
    return {
      signed: signSnapshot(this.networkKey, snapshot),
      snapshot,
      serial: snapshot.serial,
    };
  }

  get rogueAddress(): string {
    return this.rogue.address;
  }
}
