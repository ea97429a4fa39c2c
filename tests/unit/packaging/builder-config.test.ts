// electron-builder.yml through electron-builder's own loader and JSON-schema validation, plus
// the choices this project depends on (per-user NSIS, hardened runtime, update feed, no natives).
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

type Config = Awaited<ReturnType<typeof getConfig>>;
const root = path.resolve(import.meta.dirname, '../../..');
let config: Config;

beforeAll(async () => {
  config = await getConfig(root, 'electron-builder.yml', null);
});

/** The `files` patterns (electron-builder's loader wraps them in one `{ filter }` set). */
const filePatterns = () => (config.files as Array<{ filter: string[] }>).flatMap((f) => f.filter);

const targetsOf = (platform: { target?: unknown } | null | undefined) =>
  (platform?.target as Array<{ target: string; arch: string[] }>).map(
    (t) => `${t.target}:${t.arch.join('+')}`,
  );

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own validation', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('is checked for real: a misspelt option fails the same validation', async () => {
    const broken = { ...config, nsis: { ...config.nsis, oneClik: true } } as unknown as Config;
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(
      /does not match the API schema[\s\S]*configuration\.nsis/,
    );
  });

  it('builds per-user Windows installers that need no admin rights', () => {
    expect(targetsOf(config.win)).toEqual(['nsis:x64']);
    expect(config.nsis).toMatchObject({ oneClick: true, perMachine: false, allowElevation: false });
    expect(config.nsis?.deleteAppDataOnUninstall).toBe(false);
    expect(config.win?.verifyUpdateCodeSignature).toBe(true);
  });

  it('builds hardened, notarisable macOS dmg and update zip for both architectures', () => {
    expect(targetsOf(config.mac)).toEqual(['dmg:arm64+x64', 'zip:arm64+x64']);
    expect(config.mac).toMatchObject({
      hardenedRuntime: true,
      gatekeeperAssess: false,
      notarize: true,
    });
    const plist = readFileSync(path.join(root, config.mac!.entitlements!), 'utf8');
    expect(plist).toContain('<key>com.apple.security.cs.allow-jit</key>');
    expect(plist).toContain('<key>com.apple.security.network.client</key>');
    expect(plist).not.toContain('disable-library-validation');
    expect(config.mac?.entitlementsInherit).toBe(config.mac?.entitlements);
  });

  it('builds a Linux AppImage and a deb with a desktop entry and plain dependencies', () => {
    expect(targetsOf(config.linux)).toEqual(['AppImage:x64', 'deb:x64']);
    expect(config.linux).toMatchObject({ executableName: 'resultity-node', category: 'Utility' });
    expect(config.linux?.maintainer).toMatch(/<[^>]+@[^>]+>/);
    const entry = (config.linux?.desktop as { entry: Record<string, string> }).entry;
    expect(entry).toMatchObject({ Name: 'Resultity Node', Categories: 'Utility;Network;' });
    for (const dep of config.deb?.depends ?? []) expect(dep).toMatch(/^lib|^xdg-utils$/);
  });

  it('names every artifact the same way, without spaces', () => {
    expect(config.artifactName).toBe('Resultity-Node-${version}-${os}-${arch}.${ext}');
    for (const p of ['win', 'nsis', 'mac', 'dmg', 'linux', 'deb'] as const) {
      expect((config[p] as { artifactName?: string } | undefined)?.artifactName).toBeUndefined();
    }
  });

  it('publishes to GitHub releases as drafts', () => {
    expect(config.publish).toEqual([
      { provider: 'github', owner: 'resultity', repo: 'resultity-node', releaseType: 'draft' },
    ]);
  });

  it('packs an asar of built files only, with fuses set after packing', () => {
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
    expect(filePatterns()).toEqual(
      expect.arrayContaining(['dist/main/**', 'dist/renderer/**', '!**/*.map']),
    );
    expect(config.afterPack).toBe('./build/after-pack.cjs');
    expect(existsSync(path.join(root, 'build/after-pack.cjs'))).toBe(true);
    expect(config.extraResources).toEqual(
      expect.arrayContaining([{ from: 'assets/tray', to: 'tray', filter: ['*.png'] }]),
    );
  });

  it('ships no production dependency that compiles native code, except excluded optional bits', () => {
    // Every production dependency with an install script, and why it is harmless. A new one
    // fails here so someone checks whether it needs an Electron rebuild.
    const reviewed: Record<string, string> = {
      ssh2: 'tries to compile an optional crypto binding, falls back to JavaScript (excluded)',
      'cpu-features': "ssh2's optional native helper (excluded)",
      protobufjs: 'postinstall only checks versions of its CLI; plain JavaScript',
    };
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; hasInstallScript?: boolean }>;
    };
    const withInstallScript = Object.entries(lock.packages)
      .filter(([name, p]) => name.startsWith('node_modules/') && !p.dev && p.hasInstallScript)
      .map(([name]) => name.replace(/^.*node_modules\//, ''))
      .sort();
    expect(withInstallScript).toEqual(Object.keys(reviewed).sort());
    // Native code can also come without an install script (a prebuilt .node, a binding.gyp).
    const native = Object.entries(lock.packages)
      .filter(([name, p]) => name.startsWith('node_modules/') && !p.dev)
      .filter(([name]) => hasNativeCode(path.join(root, name)))
      .map(([name]) => name.replace(/^.*node_modules\//, ''))
      .sort();
    expect(native).toEqual(['cpu-features', 'ssh2']);
    expect(filePatterns()).toEqual(
      expect.arrayContaining([
        '!**/node_modules/cpu-features/**',
        '!**/node_modules/ssh2/lib/protocol/crypto/{build,src}/**',
      ]),
    );
  });
});

/** A binding.gyp, `gypfile: true` or a compiled .node file in the package (not its deps). */
function hasNativeCode(dir: string): boolean {
  if (!existsSync(path.join(dir, 'package.json'))) return false;
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    gypfile?: boolean;
  };
  if (pkg.gypfile || existsSync(path.join(dir, 'binding.gyp'))) return true;
  const walk = (d: string): boolean =>
    readdirSync(d, { withFileTypes: true }).some((e) =>
      e.isDirectory()
        ? e.name !== 'node_modules' && walk(path.join(d, e.name))
        : e.name.endsWith('.node') || e.name === 'binding.gyp',
    );
  return walk(dir);
}
