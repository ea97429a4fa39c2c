import type { Logger } from '../logger.js';
import {
  verifySignedSnapshot,
  type NetworkName,
  type VerifiedSnapshot,
} from '../protocol/index.js';
import type { AppliedRecord, HistoryEntry, SnapshotStore } from './snapshot-store.js';

export interface SavedConfig {
  verified: VerifiedSnapshot;
  record: AppliedRecord;
  /** True when the applied snapshot was unusable and an older one was taken instead. */
  fellBack: boolean;
}

/**
 * After a restart: the applied snapshot from disk, RE-VERIFIED against the pinned signer. A
 * damaged file is moved aside with a clear log line and the previous verified snapshot is used;
 * null when nothing on disk can be trusted (the caller fetches from the network).
 */
export async function loadSavedConfig(
  store: SnapshotStore,
  trust: { pinnedSigner: string; network: NetworkName },
  logger: Logger,
  now: number,
): Promise<SavedConfig | null> {
  let record: AppliedRecord | null = null;
  try {
    record = await store.readApplied();
  } catch (err) {
    logger.error(
      `The record of the applied configuration is damaged (${(err as Error).message}); looking for the newest valid saved configuration instead.`,
    );
  }
  const history = await store.list();
  const candidates = orderCandidates(history, record);
  let fellBack = false;
  for (const entry of candidates) {
    try {
      const raw = await store.readRaw(entry.file);
      const verified = verifySignedSnapshot(raw, trust);
      if (verified.digest !== entry.digest) {
        throw new Error(`its contents have digest ${verified.digest}, not ${entry.digest}`);
      }
      const base: AppliedRecord = record ?? {
        digest: verified.digest,
        serial: verified.snapshot.serial,
        applied_at: now,
        highest_serial: verified.snapshot.serial,
        highest_digest: verified.digest,
        held_back: [],
      };
      return {
        verified,
        record: { ...base, digest: verified.digest, serial: verified.snapshot.serial },
        fellBack: fellBack || record === null || record.digest !== verified.digest,
      };
    } catch (err) {
      fellBack = true;
      const moved = await store.quarantine(entry.file, now);
      logger.error(
        `The saved configuration ${entry.file} cannot be used (${(err as Error).message}). It was moved aside to ${moved}; trying the previous one.`,
      );
    }
  }
  if (record || history.length > 0) {
    logger.warn('No saved configuration passed verification: fetching it from the network.');
  }
  return null;
}

/** The applied snapshot first, then older ones newest first; never newer than the applied. */
function orderCandidates(history: HistoryEntry[], record: AppliedRecord | null): HistoryEntry[] {
  if (!record) return history;
  const applied = history.find((h) => h.digest === record.digest);
  const older = history.filter((h) => h.digest !== record.digest && h.serial <= record.serial);
  return applied ? [applied, ...older] : older;
}
