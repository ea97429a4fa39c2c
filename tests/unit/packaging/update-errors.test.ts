import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { updateBlockedReason } from '../../../src-main/desktop/updater/signing-check.js';
import { describeUpdateError } from '../../../src-main/desktop/updater/update-errors.js';

const H4 = 4 * 3_600_000;
const coded = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('describeUpdateError', () => {
  it.each([
    [
      coded('connect ECONNREFUSED 1.2.3.4:443', 'ECONNREFUSED'),
      /Could not reach the update server/,
    ],
    [new Error('net::ERR_INTERNET_DISCONNECTED'), /Could not reach the update server/],
    [coded('write failed', 'ENOSPC'), /Not enough free disk space/],
    [
      new Error('New version 0.2.0 is not signed by the application owner: publisherNames: X'),
      /not signed by Resultity, so it was discarded and not installed/,
    ],
    [
      new Error('Could not get code signature for running application'),
      /not code-signed, so macOS cannot update it in place/,
    ],
    [coded('sha512 checksum mismatch, expected a, got b', 'ERR_CHECKSUM_MISMATCH'), /damaged/],
    [
      coded('Cannot find latest.yml', 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND'),
      /no release for this platform/,
    ],
    [new Error('HttpError: 403 Forbidden "rate limit exceeded"'), /refused the request/],
  ])('explains %s', (error, expected) => {
    const text = describeUpdateError(error, H4);
    expect(text).toMatch(expected);
    expect(text).not.toMatch(/\n|\s{4}at /);
  });

  it('falls back to the first line of an unknown error and says what happens next', () => {
    const text = describeUpdateError(new Error('Something odd\n    at Foo (x.js:1:1)'), 3_600_000);
    expect(text).toBe(
      'The update check failed (Something odd). The node keeps running; the next check is in about an hour.',
    );
  });
});

describe('updateBlockedReason', () => {
  async function withConfig(content: string | null, platform: NodeJS.Platform) {
    const dir = await mkdtemp(path.join(tmpdir(), 'rn-update-'));
    try {
      if (content !== null) await writeFile(path.join(dir, 'app-update.yml'), content);
      return await updateBlockedReason({ platform, resourcesPath: dir });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  const feed = 'owner: resultity\nrepo: resultity-node\nprovider: github\nupdaterCacheDirName: x\n';

  it('accepts a signed Windows build (publisherName present)', async () => {
    expect(await withConfig(`publisherName:\n  - Resultity\n${feed}`, 'win32')).toBeNull();
  });

  it('refuses an unsigned Windows build, whose updates electron-updater would not verify', async () => {
    expect(await withConfig(feed, 'win32')).toMatch(/not code-signed/);
  });

  it('leaves macOS and Linux to their own checks', async () => {
    expect(await withConfig(feed, 'darwin')).toBeNull();
    expect(await withConfig(feed, 'linux')).toBeNull();
  });

  it('refuses a build without an update feed', async () => {
    expect(await withConfig(null, 'linux')).toMatch(/no update feed/);
  });
});
