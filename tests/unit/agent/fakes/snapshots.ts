import { defaultSnapshot } from '../../../../src-main/devnet/io/default-snapshot.js';
import {
  signSnapshot,
  type ConfigSnapshot,
  type MessageSigner,
  type SignedSnapshot,
} from '../../../../src-main/core/protocol/index.js';
import { testSigner } from '../../../helpers/keys.js';

/** A network key and helpers to issue signed snapshots with it. */
export class SnapshotIssuer {
  readonly key: MessageSigner;
  constructor(key: MessageSigner = testSigner()) {
    this.key = key;
  }
  issue(serial: number, overrides: Partial<ConfigSnapshot> = {}): SignedSnapshot {
    return signSnapshot(
      this.key,
      defaultSnapshot('local', { serial, ...overrides }, 1_800_000_000_000),
    );
  }
}
