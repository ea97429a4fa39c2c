import { readFile as fsReadFile } from 'node:fs/promises';
import path from 'node:path';

export interface SigningCheckOptions {
  platform: NodeJS.Platform;
  /** Electron's `process.resourcesPath`, where electron-builder writes `app-update.yml`. */
  resourcesPath: string;
  readFile?: (file: string) => Promise<string>;
}

/**
 * Null when this copy may install updates; otherwise why it must not, in plain words.
 *
 * electron-builder writes `publisherName` into app-update.yml only when it code-signed the
 * Windows build, and electron-updater skips the signature check of a downloaded installer when
 * that field is missing. An unsigned Windows copy would therefore accept unsigned updates: we
 * refuse to update it at all. macOS (Squirrel.Mac) itself rejects updates whose signature does
 * not match the running app; Linux has no OS code signatures. On every OS, our own release
 * signature is checked on top (update-signature.ts).
 */
export async function updateBlockedReason(opts: SigningCheckOptions): Promise<string | null> {
  const readFile = opts.readFile ?? ((file: string) => fsReadFile(file, 'utf8'));
  const configPath = path.join(opts.resourcesPath, 'app-update.yml');
  let config: string;
  try {
    config = await readFile(configPath);
  } catch {
    return (
      'This build has no update feed (app-update.yml is missing), so it cannot update itself: ' +
      'install new versions from the release page.'
    );
  }
  if (opts.platform === 'win32' && !/^publisherName\s*:/m.test(config)) {
    return (
      'This copy of Resultity Node is not code-signed, so it will not install updates ' +
      'automatically (an unsigned update could not be verified): install new versions from ' +
      'the release page.'
    );
  }
  return null;
}
