import type { KeyObject } from 'node:crypto';
import type { UpdateVerifier } from './types.js';
import { checkDownloadedFile, checkManifest, publicKeyFromBase64 } from './update-signature.js';

/** The updater's verifier for the pinned key, or why this build cannot verify updates. */
export function releaseVerifier(
  pinnedKey: string | null,
  hashFile?: (path: string) => Promise<string>,
): UpdateVerifier & { unavailableReason: string | null } {
  let key: KeyObject | null = null;
  let unavailableReason: string | null = null;
  if (pinnedKey === null) {
    unavailableReason =
      'This build has no update signing key, so it cannot check that an update comes from ' +
      'Resultity and does not update itself: install new versions from the release page.';
  } else {
    try {
      key = publicKeyFromBase64(pinnedKey);
    } catch {
      unavailableReason =
        'The update signing key in this build is damaged, so it does not update itself: ' +
        'install new versions from the release page.';
    }
  }
  const noKey = { ok: false, reason: 'this build has no update signing key' } as const;
  return {
    unavailableReason,
    checkManifest: (info) => (key ? checkManifest(info, key) : noKey),
    checkDownload: async (info) =>
      key ? checkDownloadedFile(info, info.downloadedFile, key, hashFile) : noKey,
  };
}
