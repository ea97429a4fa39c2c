// Our own signature on every update, checked on every OS before anything is downloaded and
// again before it is installed. electron-updater alone trusts the sha512 listed in the same
// release's latest*.yml (on Linux nothing else): whoever can change the release could ship
// anything. Scheme (after Signal Desktop's ts/updater/signature.node.ts, which signs the file's
// hash plus the version): Ed25519 over
//   "resultity-update-v1\n<version>\n<file name>\n<sha512 of the file, base64>"
// with the release key whose public half is pinned in update-key.ts. The release workflow's
// sign job (scripts/sign-update.mjs) adds `signature` (base64) to each entry of `files` in
// latest*.yml after checking the sha512 against the file itself.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { z } from 'zod';

export const SIGNATURE_FORMAT = 'resultity-update-v1';

/** The bytes the release key signs for one file of one version. */
export function signedMessage(version: string, fileName: string, sha512: string): Buffer {
  return Buffer.from(`${SIGNATURE_FORMAT}\n${version}\n${fileName}\n${sha512}`, 'utf8');
}

/** An Ed25519 public key from its 32 raw bytes in base64 (how update-key.ts pins it). */
export function publicKeyFromBase64(raw: string): KeyObject {
  const bytes = Buffer.from(raw, 'base64');
  if (bytes.length !== 32) throw new Error('An Ed25519 public key is 32 bytes.');
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: bytes.toString('base64url') },
    format: 'jwk',
  });
}

/** What we read of electron-updater's UpdateInfo (parsed from latest*.yml): checked, not trusted. */
const SignedManifest = z.object({
  version: z.string().min(1).max(64),
  files: z
    .array(
      z.object({
        url: z.string().min(1).max(512),
        sha512: z.string().min(1).max(200),
        signature: z.string().max(200).optional(),
      }),
    )
    .min(1)
    .max(32),
});

export interface SignedFile {
  fileName: string;
  sha512: string;
}

/** The outcome of a check: the files vouched for, or why the update must be refused. */
export type SignatureCheck = { ok: true; files: SignedFile[] } | { ok: false; reason: string };

/** The last path segment of a manifest url (electron-builder writes bare file names). */
function fileNameOf(url: string): string {
  return decodeURIComponent(url.split(/[?#]/)[0]!.split('/').pop() ?? '');
}

/**
 * Checks every file entry of an update manifest: each must carry a valid signature by `key`
 * for exactly this version, file name and sha512. One missing or wrong signature refuses the
 * whole update (a partly signed release is not one we made).
 */
export function checkManifest(info: unknown, key: KeyObject): SignatureCheck {
  const parsed = SignedManifest.safeParse(info);
  if (!parsed.success) {
    return { ok: false, reason: 'the update information has no list of files to check' };
  }
  const { version, files } = parsed.data;
  const out: SignedFile[] = [];
  for (const file of files) {
    const fileName = fileNameOf(file.url);
    if (!file.signature) return { ok: false, reason: `${fileName} is not signed` };
    let good: boolean;
    try {
      good = verify(
        null,
        signedMessage(version, fileName, file.sha512),
        key,
        Buffer.from(file.signature, 'base64'),
      );
    } catch {
      good = false;
    }
    if (!good) {
      return {
        ok: false,
        reason: `the signature of ${fileName} does not match version ${version} and its checksum`,
      };
    }
    out.push({ fileName, sha512: file.sha512 });
  }
  return { ok: true, files: out };
}

/** sha512 of a file, base64, as electron-builder writes it into latest*.yml. */
export async function sha512File(path: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}

/**
 * Checks a downloaded update before it is installed: the manifest's signatures (again), then
 * the file on disk against the signed sha512s. Reads the file itself rather than trusting that
 * electron-updater did.
 */
export async function checkDownloadedFile(
  info: unknown,
  downloadedFile: string | undefined,
  key: KeyObject,
  hashFile: (path: string) => Promise<string> = sha512File,
): Promise<SignatureCheck> {
  const manifest = checkManifest(info, key);
  if (!manifest.ok) return manifest;
  if (!downloadedFile) return { ok: false, reason: 'the downloaded file is not known' };
  let actual: string;
  try {
    actual = await hashFile(downloadedFile);
  } catch (err) {
    return { ok: false, reason: `the downloaded file cannot be read (${(err as Error).message})` };
  }
  if (!manifest.files.some((f) => f.sha512 === actual)) {
    return { ok: false, reason: 'the downloaded file is not the one that was signed' };
  }
  return manifest;
}
