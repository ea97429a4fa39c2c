import { canonicalDigest } from './canonical.js';
import {
  BadDigestError,
  MalformedMessageError,
  StaleSnapshotError,
  WrongNetworkError,
  WrongSignerError,
} from './errors.js';
import type { NetworkName } from './networks.js';
import { parseOrThrow } from './parse.js';
import { ConfigSnapshot, SignedSnapshot } from './schemas/snapshot.js';
import { recoverSigner, sameAddress, type MessageSigner } from './signer.js';

/** Domain-separated text the network key signs, so a snapshot signature is never valid elsewhere. */
export function snapshotSigningText(digest: string): string {
  return `Resultity config snapshot ${digest}`;
}

export function snapshotDigest(snapshot: unknown): string {
  return canonicalDigest(snapshot);
}

export function signSnapshot(networkKey: MessageSigner, snapshot: ConfigSnapshot): SignedSnapshot {
  const config_digest = snapshotDigest(snapshot);
  return {
    snapshot,
    config_digest,
    signer: networkKey.address,
    signature: networkKey.signMessage(snapshotSigningText(config_digest)),
  };
}

export interface SnapshotTrust {
  /** The network signer pinned in this node's network profile. */
  pinnedSigner: string;
  network: NetworkName;
  /** Highest serial applied so far; anything older is a replay. */
  appliedSerial?: number;
  /** The digest applied under `appliedSerial`: the same serial with other content is refused. */
  appliedDigest?: string;
}

export interface VerifiedSnapshot {
  snapshot: ConfigSnapshot;
  digest: string;
  signed: SignedSnapshot;
}

/**
 * Digest check over the raw snapshot, signature check against the pinned signer, then schema,
 * network and serial checks. Throws a ProtocolError naming exactly what failed.
 */
export function verifySignedSnapshot(raw: unknown, trust: SnapshotTrust): VerifiedSnapshot {
  const signed = parseOrThrow(SignedSnapshot, raw, 'signed snapshot');
  const digest = snapshotDigest(signed.snapshot);
  if (digest !== signed.config_digest) {
    throw new BadDigestError(
      `snapshot digest ${signed.config_digest} does not match its contents (${digest})`,
    );
  }
  const signer = recoverSigner(snapshotSigningText(digest), signed.signature);
  if (!sameAddress(signer, trust.pinnedSigner)) {
    throw new WrongSignerError(
      `snapshot is signed by ${signer}, not by the ${trust.network} network key ${trust.pinnedSigner}`,
    );
  }
  const snapshot = parseOrThrow(ConfigSnapshot, signed.snapshot, 'config snapshot');
  if (snapshot.participation.mode !== snapshot.network) {
    throw new MalformedMessageError(
      `config snapshot: participation.mode "${snapshot.participation.mode}" contradicts network "${snapshot.network}"`,
    );
  }
  if (snapshot.network !== trust.network) {
    throw new WrongNetworkError(
      `snapshot is for ${snapshot.network}, this node is on ${trust.network}`,
    );
  }
  if (trust.appliedSerial !== undefined && snapshot.serial < trust.appliedSerial) {
    throw new StaleSnapshotError(
      `snapshot serial ${snapshot.serial} is older than the applied ${trust.appliedSerial}: refusing a replayed configuration`,
    );
  }
  if (
    snapshot.serial === trust.appliedSerial &&
    trust.appliedDigest !== undefined &&
    digest !== trust.appliedDigest
  ) {
    throw new StaleSnapshotError(
      `snapshot serial ${snapshot.serial} was already applied with other content (${trust.appliedDigest}): serials must increase`,
    );
  }
  return { snapshot, digest, signed };
}
