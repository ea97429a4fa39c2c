import { describe, expect, it } from 'vitest';
import {
  BadDigestError,
  MalformedMessageError,
  signSnapshot,
  StaleSnapshotError,
  verifySignedSnapshot,
  WrongNetworkError,
  WrongSignerError,
} from '../../../src-main/core/protocol/index.js';
import { defaultSnapshot } from '../../../src-main/devnet/io/default-snapshot.js';
import { testSigner } from '../../helpers/keys.js';

const networkKey = testSigner();
const trust = { pinnedSigner: networkKey.address, network: 'local' as const };

describe('config snapshots', () => {
  it('signs and verifies; digest is sha256 of the canonical JSON', () => {
    const signed = signSnapshot(networkKey, defaultSnapshot());
    const verified = verifySignedSnapshot(JSON.parse(JSON.stringify(signed)), trust);
    expect(verified.digest).toBe(signed.config_digest);
    expect(verified.snapshot.jobs.max_queue_size).toBe(80);
  });

  it('detects contents that do not match the digest', () => {
    const signed = signSnapshot(networkKey, defaultSnapshot());
    const tampered = { ...signed, snapshot: { ...defaultSnapshot(), serial: 99 } };
    expect(() => verifySignedSnapshot(tampered, trust)).toThrow(BadDigestError);
  });

  it('refuses a snapshot signed by any key but the pinned one', () => {
    const forged = signSnapshot(testSigner(), defaultSnapshot());
    expect(() => verifySignedSnapshot(forged, trust)).toThrow(WrongSignerError);
  });

  it('refuses an older serial (replay) and another network', () => {
    const signed = signSnapshot(networkKey, defaultSnapshot('local', { serial: 3 }));
    expect(() => verifySignedSnapshot(signed, { ...trust, appliedSerial: 4 })).toThrow(
      StaleSnapshotError,
    );
    expect(verifySignedSnapshot(signed, { ...trust, appliedSerial: 3 }).snapshot.serial).toBe(3);
    const testnet = signSnapshot(networkKey, defaultSnapshot('testnet'));
    expect(() => verifySignedSnapshot(testnet, trust)).toThrow(WrongNetworkError);
  });

  it('refuses a correctly signed snapshot with a bad schema, naming the field', () => {
    const bad = { ...defaultSnapshot(), jobs: { ...defaultSnapshot().jobs, max_queue_size: -1 } };
    const signed = signSnapshot(networkKey, bad);
    expect(() => verifySignedSnapshot(signed, trust)).toThrow(MalformedMessageError);
    expect(() => verifySignedSnapshot(signed, trust)).toThrow(/jobs\.max_queue_size/);
  });

  it('tolerates unknown fields in a newer snapshot', () => {
    const signed = signSnapshot(networkKey, { ...defaultSnapshot(), future: { x: 1 } } as never);
    expect(() => verifySignedSnapshot(signed, trust)).not.toThrow();
  });
});
