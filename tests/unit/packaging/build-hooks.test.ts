import { getCurrentFuseWire } from '@electron/fuses';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { afterPack, electronBinaryPath } from '../../../build/after-pack.cjs';
import { applyFuses } from '../../../build/fuses.cjs';
import { notarisationCredentials, planNotarisation } from '../../../build/notarize.cjs';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron's shipped defaults, in fuse order: RunAsNode, CookieEncryption, NodeOptions,
// CliInspect, AsarIntegrity, OnlyLoadAppFromAsar, V8Snapshot, GrantFileProtocol, WasmTrap.
const SHIPPED = '101100011';
const ON = 49;
const OFF = 48;

/** A file laid out like an Electron binary around its fuse wire (or without one). */
function fakeBinary(wire: string | null): Buffer {
  const pad = Buffer.alloc(4096, 0x90);
  if (wire === null) return Buffer.concat([pad, pad]);
  const header = Buffer.from([1, wire.length]);
  return Buffer.concat([pad, Buffer.from(SENTINEL), header, Buffer.from(wire), pad]);
}

let dir: string;
let lines: string[];
const log = (line: string) => lines.push(line);
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'rn-fuses-'));
  lines = [];
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('applyFuses', () => {
  it('flips the seven fuses, leaves the others, and reads them back', async () => {
    const bin = path.join(dir, 'resultity-node');
    await writeFile(bin, fakeBinary(SHIPPED));
    const result = await applyFuses({
      binaryPath: bin,
      platform: 'linux',
      arch: 'x64',
      dryRun: false,
      log,
    });
    expect(result).toEqual({ flipped: true });
    const wire = await getCurrentFuseWire(bin);
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => wire[i as 0])).toEqual([
      OFF, // RunAsNode
      ON, // EnableCookieEncryption
      OFF, // EnableNodeOptionsEnvironmentVariable
      OFF, // EnableNodeCliInspectArguments
      ON, // EnableEmbeddedAsarIntegrityValidation
      ON, // OnlyLoadAppFromAsar
      OFF, // LoadBrowserProcessSpecificV8Snapshot: untouched
      OFF, // GrantFileProtocolExtraPrivileges: the renderer is served from app://
      ON, // WasmTrapHandlers: untouched
    ]);
    expect(lines.join('\n')).toMatch(
      /flipped and verified .*RunAsNode=off .*OnlyLoadAppFromAsar=on/,
    );
  });

  it('skips a stand-in binary without a fuse wire only in dry-run mode', async () => {
    const bin = path.join(dir, 'resultity-node');
    const original = fakeBinary(null);
    await writeFile(bin, original);
    const result = await applyFuses({
      binaryPath: bin,
      platform: 'linux',
      arch: 'x64',
      dryRun: true,
      log,
    });
    expect(result.flipped).toBe(false);
    expect(lines).toEqual([
      `[fuses] DRY RUN (RESULTITY_PACKAGING_DRY_RUN=1): no fuse wire in ${bin} (a stand-in Electron binary); fuses NOT flipped`,
    ]);
    expect((await readFile(bin)).equals(original)).toBe(true);
  });

  it('fails a real build when the binary has no fuse wire', async () => {
    const bin = path.join(dir, 'resultity-node');
    await writeFile(bin, fakeBinary(null));
    await expect(
      applyFuses({ binaryPath: bin, platform: 'linux', arch: 'x64', dryRun: false, log }),
    ).rejects.toThrow(/Cannot set Electron fuses: .* has no fuse wire/);
  });

  it('fails when the wire is too short for the wanted fuses, even in a dry run', async () => {
    const bin = path.join(dir, 'resultity-node');
    await writeFile(bin, fakeBinary('10'));
    await expect(
      applyFuses({ binaryPath: bin, platform: 'linux', arch: 'x64', dryRun: true, log }),
    ).rejects.toThrow(/not long enough/);
  });

  it('fails when the binary is missing, even in a dry run', async () => {
    await expect(
      applyFuses({
        binaryPath: path.join(dir, 'nope'),
        platform: 'linux',
        arch: 'x64',
        dryRun: true,
        log,
      }),
    ).rejects.toThrow(/ENOENT/);
  });
});

describe('afterPack', () => {
  const packager = {
    appInfo: { productFilename: 'Resultity Node' },
    executableName: 'resultity-node',
  };

  it('finds the Electron binary per platform', () => {
    const ctx = (p: string) => ({ appOutDir: '/o', electronPlatformName: p, arch: 1, packager });
    expect(electronBinaryPath(ctx('linux'))).toBe(path.join('/o', 'resultity-node'));
    expect(electronBinaryPath(ctx('win32'))).toBe(path.join('/o', 'Resultity Node.exe'));
    expect(electronBinaryPath(ctx('darwin'))).toBe(path.join('/o', 'Resultity Node.app'));
  });

  it('refuses dry-run mode for anything but the dir target', async () => {
    await writeFile(path.join(dir, 'resultity-node'), fakeBinary(null));
    const ctx = {
      appOutDir: dir,
      electronPlatformName: 'linux',
      arch: 1,
      targets: [{ name: 'deb' }],
      packager,
    };
    await expect(afterPack(ctx, { RESULTITY_PACKAGING_DRY_RUN: '1' }, log)).rejects.toThrow(
      /only for the "dir" target, but this build makes deb/,
    );
  });

  it('on macOS flips fuses in the framework and states the notarisation plan', async () => {
    const framework = path.join(
      dir,
      'Resultity Node.app/Contents/Frameworks/Electron Framework.framework',
    );
    await mkdir(framework, { recursive: true });
    await writeFile(path.join(framework, 'Electron Framework'), fakeBinary(SHIPPED));
    const ctx = { appOutDir: dir, electronPlatformName: 'darwin', arch: 1, targets: [], packager };
    await afterPack(ctx, {}, log);
    expect(lines[0]).toMatch(/^\[fuses\] flipped and verified/);
    expect(lines[1]).toMatch(
      /^\[notarize\] skipping notarisation: no credentials \(set APPLE_API_KEY/,
    );
  });
});

describe('notarisation credentials', () => {
  const appleId = { APPLE_ID: 'a@b.c', APPLE_APP_SPECIFIC_PASSWORD: 'p', APPLE_TEAM_ID: 'T' };
  const apiKey = { APPLE_API_KEY: '/k.p8', APPLE_API_KEY_ID: 'K', APPLE_API_ISSUER: 'I' };

  it('finds the set electron-builder would use', () => {
    expect(notarisationCredentials({})).toBeNull();
    expect(notarisationCredentials({ APPLE_TEAM_ID: 'T' })).toBeNull();
    expect(notarisationCredentials(appleId)).toEqual({ kind: 'Apple ID', missing: [] });
    expect(notarisationCredentials(apiKey)).toEqual({
      kind: 'App Store Connect API key',
      missing: [],
    });
    expect(notarisationCredentials({ APPLE_KEYCHAIN_PROFILE: 'rn' })).toMatchObject({
      missing: [],
    });
    expect(notarisationCredentials({ APPLE_ID: 'a@b.c' })).toEqual({
      kind: 'Apple ID',
      missing: ['APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'],
    });
  });

  it('logs the plan, and fails on half-filled or required-but-missing credentials', () => {
    expect(planNotarisation(apiKey, log)).toEqual({
      notarise: true,
      kind: 'App Store Connect API key',
    });
    expect(lines.at(-1)).toMatch(/notarisation with App Store Connect API key credentials/);
    expect(() => planNotarisation({ APPLE_API_KEY: '/k.p8' }, log)).toThrow(
      /incomplete: APPLE_API_KEY_ID, APPLE_API_ISSUER missing/,
    );
    expect(() => planNotarisation({ RESULTITY_REQUIRE_NOTARIZATION: '1' }, log)).toThrow(
      /required .* but no credentials are set/,
    );
  });
});
