// Release signatures end to end with a test key pair and real files: the release script signs
// a latest-linux.yml as the workflow's sign job does, the app's verifier checks it, and the
// update controller refuses what does not verify.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src-main/core/logger.js';
import { releaseVerifier } from '../../../src-main/desktop/updater/release-verifier.js';
import type { UpdateInfoLike, UpdateStatus } from '../../../src-main/desktop/updater/types.js';
import { UpdateController } from '../../../src-main/desktop/updater/update-controller.js';
import { UPDATE_PUBLIC_KEY } from '../../../src-main/desktop/updater/update-key.js';
import * as app from '../../../src-main/desktop/updater/update-signature.js';
import * as script from '../../../scripts/sign-update.mjs';
import { FakeUpdater, StepClock } from './fake-updater.js';

const { load } = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
const FILE = 'Resultity-Node-0.2.0-linux-x86_64.AppImage';
const keys = generateKeyPairSync('ed25519');
const PEM = keys.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const PINNED = script.rawPublicKey(keys.publicKey);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'update-sig-'));
  await writeFile(join(dir, FILE), Buffer.from('the 0.2.0 AppImage '.repeat(5000)));
  await writeFile(join(dir, 'latest-linux.yml'), await manifest('0.2.0'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** latest-linux.yml as electron-builder writes it. */
async function manifest(version: string): Promise<string> {
  const sha512 = await script.sha512File(join(dir, FILE));
  return [
    `version: ${version}`,
    'files:',
    `  - url: ${FILE}`,
    `    sha512: ${sha512}`,
    '    size: 95000',
    `path: ${FILE}`,
    `sha512: ${sha512}`,
    "releaseDate: '2026-12-01T10:00:00.000Z'",
    '',
  ].join('\n');
}

/** The manifest as electron-updater hands it to the app (parsed YAML + the download path). */
async function signedInfo(): Promise<UpdateInfoLike> {
  await script.signManifests(dir, PEM, PINNED);
  const info = load(await readFile(join(dir, 'latest-linux.yml'), 'utf8')) as UpdateInfoLike;
  return { ...info, downloadedFile: join(dir, FILE) };
}

describe('release signature: script and app agree', () => {
  it('the message format is the same in both', () => {
    expect(script.SIGNATURE_FORMAT).toBe(app.SIGNATURE_FORMAT);
    expect(script.signedMessage('1.2.3', 'a.exe', 'abc=')).toEqual(
      app.signedMessage('1.2.3', 'a.exe', 'abc='),
    );
  });

  it('a signed release verifies: manifest before download, file before install', async () => {
    const info = await signedInfo();
    const files = info.files as Array<{ signature?: string }>;
    expect(files[0]!.signature).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    const verifier = releaseVerifier(PINNED);
    expect(verifier.unavailableReason).toBeNull();
    expect(verifier.checkManifest(info)).toMatchObject({ ok: true });
    expect(await verifier.checkDownload(info)).toMatchObject({ ok: true });
  });

  it('refuses a tampered file', async () => {
    const info = await signedInfo();
    const bytes = await readFile(join(dir, FILE));
    bytes[100] = bytes[100]! ^ 1;
    await writeFile(join(dir, FILE), bytes);
    // The manifest still verifies: the file does not.
    expect(releaseVerifier(PINNED).checkManifest(info)).toMatchObject({ ok: true });
    expect(await releaseVerifier(PINNED).checkDownload(info)).toEqual({
      ok: false,
      reason: 'the downloaded file is not the one that was signed',
    });
  });

  it('refuses a signature replayed for another version', async () => {
    const info = { ...(await signedInfo()), version: '0.3.0' };
    expect(releaseVerifier(PINNED).checkManifest(info)).toEqual({
      ok: false,
      reason: `the signature of ${FILE} does not match version 0.3.0 and its checksum`,
    });
  });

  it('refuses a manifest whose sha512 was changed after signing (swapped file)', async () => {
    const info = await signedInfo();
    const files = info.files as Array<{ sha512: string }>;
    files[0]!.sha512 = Buffer.alloc(64, 7).toString('base64');
    expect(releaseVerifier(PINNED).checkManifest(info)).toMatchObject({ ok: false });
  });

  it('refuses a missing signature, and a release signed by another key', async () => {
    const unsigned = load(await readFile(join(dir, 'latest-linux.yml'), 'utf8')) as UpdateInfoLike;
    expect(releaseVerifier(PINNED).checkManifest(unsigned)).toEqual({
      ok: false,
      reason: `${FILE} is not signed`,
    });
    const info = await signedInfo();
    const other = script.rawPublicKey(generateKeyPairSync('ed25519').publicKey);
    expect(releaseVerifier(other).checkManifest(info)).toMatchObject({ ok: false });
    expect(releaseVerifier(PINNED).checkManifest({ version: '0.2.0' })).toMatchObject({
      ok: false,
    });
  });

  it('the script refuses a key that is not pinned, and a manifest that lies about a file', async () => {
    const other = generateKeyPairSync('ed25519').privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    });
    await expect(script.signManifests(dir, other.toString(), PINNED)).rejects.toThrow(
      /not the one pinned in the app/,
    );
    await expect(script.signManifests(dir, PEM, null)).rejects.toThrow(/No update key is pinned/);
    await expect(script.signManifests(dir, PEM, PINNED, '0.9.9')).rejects.toThrow(
      /for version 0.2.0, not 0.9.9/,
    );
    await writeFile(join(dir, FILE), 'another file');
    await expect(script.signManifests(dir, PEM, PINNED)).rejects.toThrow(/not the file's/);
  });

  it('this build pins no key yet, so it says it cannot verify and does not update', () => {
    // Reads the same constant the app uses; the release job refuses to sign until it is set.
    expect(script.pinnedPublicKey()).toBe(UPDATE_PUBLIC_KEY);
    expect(releaseVerifier(UPDATE_PUBLIC_KEY).unavailableReason).toMatch(
      UPDATE_PUBLIC_KEY === null ? /no update signing key/ : /^$/,
    );
    expect(releaseVerifier('not a key').unavailableReason).toMatch(/damaged/);
  });
});

/** Waits until the controller has read and checked the downloaded file (real file I/O). */
const checked = (controller: UpdateController) =>
  vi.waitFor(() => expect(controller.status.state).not.toBe('downloading'), { timeout: 5_000 });

describe('UpdateController with the real verifier', () => {
  function setup() {
    const updater = new FakeUpdater();
    const statuses: UpdateStatus[] = [];
    const controller = new UpdateController({
      updater,
      clock: new StepClock(),
      logger: silentLogger,
      currentVersion: '0.1.0',
      isPackaged: true,
      blockedReason: null,
      verifier: releaseVerifier(PINNED),
      enabled: true,
      drainAgent: async () => undefined,
      quitApp: () => undefined,
      onStatus: (s) => statuses.push(s),
    });
    controller.start();
    return { updater, controller, statuses };
  }

  it('downloads and installs a signed update', async () => {
    const { updater, controller } = setup();
    const info = await signedInfo();
    updater.emit('update-available', info);
    expect(updater.downloads).toBe(1);
    updater.emit('update-downloaded', info);
    await checked(controller);
    expect(controller.status.state).toBe('ready');
    expect(await controller.installNow()).toBe(true);
    expect(updater.installs).toHaveLength(1);
  });

  it('does not even download an unsigned update', async () => {
    const { updater, controller } = setup();
    const unsigned = load(await readFile(join(dir, 'latest-linux.yml'), 'utf8'));
    updater.emit('update-available', unsigned);
    expect(updater.downloads).toBe(0);
    expect(controller.status.state).toBe('error');
    expect(controller.status.message).toMatch(
      /^Version 0.2.0 was refused and will not be installed: .* is not signed\. It may have been tampered with/,
    );
  });

  it('refuses to install a file changed after its check (right before the installer runs)', async () => {
    const { updater, controller } = setup();
    const info = await signedInfo();
    updater.emit('update-available', info);
    updater.emit('update-downloaded', info);
    await checked(controller);
    expect(controller.status.state).toBe('ready');
    await writeFile(join(dir, FILE), 'swapped while waiting');
    expect(await controller.installNow()).toBe(false);
    expect(updater.installs).toEqual([]);
    expect(controller.status.state).toBe('error');
    expect(controller.status.message).toMatch(/not the one that was signed/);
  });

  it('a download that does not match its signature never becomes ready', async () => {
    const { updater, controller } = setup();
    const info = await signedInfo();
    updater.emit('update-available', info);
    await writeFile(join(dir, FILE), 'not what was signed');
    updater.emit('update-downloaded', info);
    await checked(controller);
    expect(controller.status.state).toBe('error');
    expect(await controller.installNow()).toBe(false);
    expect(updater.installs).toEqual([]);
  });
});
