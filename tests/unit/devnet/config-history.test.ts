import { describe, expect, it } from 'vitest';
import { verifySignedSnapshot } from '../../../src-main/core/protocol/snapshot.js';
import { ConfigConflictError, ConfigHistory } from '../../../src-main/devnet/io/config-history.js';
import { defaultSnapshot } from '../../../src-main/devnet/io/default-snapshot.js';
import { mergePatch } from '../../../src-main/devnet/io/merge-patch.js';
import { networkKeyFrom } from '../../../src-main/devnet/io/network-key.js';

describe('devnet snapshot history', () => {
  it('merge patch: objects merge, null deletes, arrays and scalars replace', () => {
    expect(
      mergePatch({ a: { b: 1, c: 2 }, d: [1, 2], e: 1 }, { a: { b: 3, c: null }, d: [3], f: 'x' }),
    ).toEqual({
      a: { b: 3 },
      d: [3],
      e: 1,
      f: 'x',
    });
    expect(mergePatch({ a: 1 }, 'scalar')).toBe('scalar');
  });

  it('signs every entry, increments serials on merges and refuses serials that do not increase', () => {
    const key = networkKeyFrom();
    const h = new ConfigHistory(key, [], defaultSnapshot('local', {}, 1000));
    expect(h.current.serial).toBe(1);
    const e2 = h.publish({ merge: { jobs: { max_queue_size: 7 } } }, 2000);
    expect(e2.serial).toBe(2);
    expect(e2.snapshot.issued_at).toBe(2000);
    expect(e2.snapshot.jobs.max_queue_size).toBe(7);
    expect(e2.snapshot.jobs.accept_timeout_ms).toBe(5000);
    const trust = { pinnedSigner: key.address, network: 'local' as const };
    expect(verifySignedSnapshot(e2.signed, trust).snapshot.serial).toBe(2);
    expect(() => h.publish({ merge: { serial: 2 } }, 3000)).toThrow(ConfigConflictError);
    expect(() => h.publish({ merge: { ttl: { clock_skew_ms: -1 } } }, 3000)).toThrow(
      /clock_skew_ms/,
    );
    const full = h.publish({ snapshot: { ...defaultSnapshot('local'), serial: 10 } }, 4000);
    expect(full.serial).toBe(10);
    expect(h.previous()?.serial).toBe(2);
    expect(h.previous(1)?.serial).toBe(1);
    expect(h.previous(10)).toBeUndefined();
    expect(h.byDigest(e2.signed.config_digest)?.serial).toBe(2);
  });

  it('re-signs a restored history when the network key changed', () => {
    const first = new ConfigHistory(networkKeyFrom(), [], defaultSnapshot());
    const newKey = networkKeyFrom();
    const restored = new ConfigHistory(
      newKey,
      first.all().map((e) => e.signed),
      defaultSnapshot(),
    );
    expect(restored.all()).toHaveLength(1);
    expect(restored.current.signed.signer).toBe(newKey.address);
    expect(
      verifySignedSnapshot(restored.current.signed, {
        pinnedSigner: newKey.address,
        network: 'local',
      }).digest,
    ).toBe(first.current.signed.config_digest);
  });
});
