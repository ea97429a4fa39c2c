// A packaging dry run: the real `npm run build`, then electron-builder's `dir` target for
// linux x64 with a stand-in Electron (the real binary cannot be downloaded here), and a look
// inside the app.asar it produced. Installers themselves (NSIS, dmg, AppImage, deb) need the
// real Electron and their tool downloads: release.yml builds those.
import { extractFile, listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { externalRequires, unresolvedDependencies } from './asar-deps.js';
import {
  SHIPPED_FUSE_WIRE,
  makeStandInElectron,
  run,
  type RunResult,
} from './stand-in-electron.js';

const root = path.resolve(import.meta.dirname, '../../..');
const builderCli = path.join(root, 'node_modules/electron-builder/cli.js');
/** The asar may not grow past this without someone deciding it should (measured: ~14 MiB). */
const ASAR_BUDGET_BYTES = 20 * 1024 * 1024;
const shellReady = existsSync(path.join(root, 'src-main/desktop/main.ts'));
if (!shellReady) {
  console.warn(
    '[skip] packaging dry run: src-main/desktop/main.ts does not exist yet, so `npm run build` ' +
      'cannot build the Electron main process',
  );
}

const DEV_ONLY = [
  'electron',
  'electron-builder',
  'app-builder-lib',
  'vitest',
  'vite',
  'typescript',
  'playwright-core',
  'esbuild',
  'eslint',
  'prettier',
  'tsx',
  'node',
  '@electron/fuses',
  '@electron/asar',
  '@resvg/resvg-js',
  'png-to-ico',
];

/** electron-builder's `dir` target for linux x64 with a stand-in Electron, into `out`. */
function packLinuxDir(
  electronDist: string,
  out: string,
  env: NodeJS.ProcessEnv,
): Promise<RunResult> {
  const args = ['--linux', 'dir', '--x64', '--publish', 'never'];
  const config = [`-c.electronDist=${electronDist}`, `-c.directories.output=${out}`];
  return run(process.execPath, [builderCli, ...args, ...config], {
    cwd: root,
    env,
    timeoutMs: 300_000,
  });
}

describe.skipIf(!shellReady)('packaging dry run (linux dir target, stand-in Electron)', () => {
  let tmp: string;
  let unpacked: string;
  let asarPath: string;
  let entries: string[];
  let pack: RunResult;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'rn-pack-'));
    const build = await run('npm', ['run', 'build'], { cwd: root, timeoutMs: 240_000 });
    if (build.code !== 0) throw new Error(`npm run build failed:\n${build.output.slice(-4000)}`);
    // With Electron's fuse wire, so the packed binary's fuses can be read back.
    const electronDist = await makeStandInElectron(path.join(tmp, 'electron-dist'), {
      fuseWire: SHIPPED_FUSE_WIRE,
    });
    const out = path.join(tmp, 'out');
    pack = await packLinuxDir(electronDist, out, {
      ...process.env,
      RESULTITY_PACKAGING_DRY_RUN: '1',
    });
    if (pack.code !== 0) throw new Error(`electron-builder failed:\n${pack.output.slice(-4000)}`);
    unpacked = path.join(out, 'linux-unpacked');
    asarPath = path.join(unpacked, 'resources/app.asar');
    entries = listPackage(asarPath, { isPack: false }).map((e) => e.replace(/^[/\\]/, ''));
    const size = statSync(asarPath).size;
    console.log(
      `[packaging] npm run build ${build.ms} ms; electron-builder dir ${pack.ms} ms; ` +
        `app.asar ${(size / 1048576).toFixed(2)} MiB in ${entries.length} entries`,
    );
  }, 600_000);

  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('packs exactly the freshly built main, preload and renderer', () => {
    for (const file of [
      'dist/main/main.cjs',
      'dist/main/preload.cjs',
      'dist/renderer/index.html',
    ]) {
      expect(entries).toContain(file);
      const packed = extractFile(asarPath, file);
      expect(packed.equals(readFileSync(path.join(root, file)))).toBe(true);
    }
    const pkg = JSON.parse(extractFile(asarPath, 'package.json').toString()) as Record<
      string,
      unknown
    >;
    expect(pkg.main).toBe('dist/main/main.cjs');
    expect(pkg.devDependencies).toBeUndefined();
    expect(pkg.scripts).toBeUndefined();
  });

  it('carries the production dependencies', () => {
    for (const dep of ['ws', 'ethers', 'zod', 'dockerode', 'electron-store', 'electron-updater']) {
      expect(entries, dep).toContain(`node_modules/${dep}/package.json`);
    }
  });

  it('carries every package the main process and the preload load at run time', () => {
    for (const file of ['dist/main/main.cjs', 'dist/main/preload.cjs']) {
      for (const name of externalRequires(extractFile(asarPath, file).toString())) {
        expect(entries, `${file} requires ${name}`).toContain(`node_modules/${name}/package.json`);
      }
    }
  });

  it('leaves out no dependency of a packed package', () => {
    expect(unresolvedDependencies(asarPath, entries)).toEqual([]);
  });

  it('carries no devDependency, source, test, source map or native binary', () => {
    const bad = entries.filter(
      (e) =>
        DEV_ONLY.some((d) => e === `node_modules/${d}` || e.startsWith(`node_modules/${d}/`)) ||
        /^(src-main|src-renderer|tests|scripts|build|docs|assets|dist\/headless)(\/|$)/.test(e) ||
        /(^|\/)(test|tests|__tests__)(\/|$)/.test(e) ||
        /\.(map|node|ts|tsx)$/.test(e) ||
        /^node_modules\/(cpu-features|nan|react|react-dom)(\/|$)/.test(e),
    );
    expect(bad).toEqual([]);
  });

  it(`stays within the size budget (${ASAR_BUDGET_BYTES / 1048576} MiB)`, () => {
    expect(statSync(asarPath).size).toBeLessThanOrEqual(ASAR_BUDGET_BYTES);
  });

  it('puts the tray icons and the app icon where the shell looks for them', () => {
    const trayDir = path.join(unpacked, 'resources/tray');
    const wanted = readdirSync(path.join(root, 'assets/tray')).filter((f) => f.endsWith('.png'));
    expect(wanted.length).toBeGreaterThanOrEqual(20);
    expect(readdirSync(trayDir).sort()).toEqual(wanted.sort());
    for (const file of wanted) {
      const packed = readFileSync(path.join(trayDir, file));
      expect(packed.equals(readFileSync(path.join(root, 'assets/tray', file))), file).toBe(true);
    }
    const icon = readFileSync(path.join(unpacked, 'resources/icon.png'));
    expect(icon.equals(readFileSync(path.join(root, 'assets/generated/icon.png')))).toBe(true);
  });

  it('writes the update feed and names the executable', () => {
    const feed = readFileSync(path.join(unpacked, 'resources/app-update.yml'), 'utf8');
    expect(feed).toMatch(/^provider: github$/m);
    expect(feed).toMatch(/^owner: resultity$/m);
    expect(feed).toMatch(/^repo: resultity-node$/m);
    expect(existsSync(path.join(unpacked, 'resultity-node'))).toBe(true);
  });

  it('ran the afterPack fuse step: the packed binary carries the fuses the app wants', async () => {
    const binary = path.join(unpacked, 'resultity-node');
    expect(pack.output).toContain(`[fuses] flipped and verified in ${binary}`);
    const wire = await getCurrentFuseWire(binary);
    const state = (fuse: FuseV1Options) => (wire[fuse] === 49 ? 'on' : 'off');
    expect({
      RunAsNode: state(FuseV1Options.RunAsNode),
      EnableCookieEncryption: state(FuseV1Options.EnableCookieEncryption),
      EnableNodeOptionsEnvironmentVariable: state(
        FuseV1Options.EnableNodeOptionsEnvironmentVariable,
      ),
      EnableNodeCliInspectArguments: state(FuseV1Options.EnableNodeCliInspectArguments),
      EnableEmbeddedAsarIntegrityValidation: state(
        FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
      ),
      OnlyLoadAppFromAsar: state(FuseV1Options.OnlyLoadAppFromAsar),
      // The renderer is served from app://, so file:// pages get no extra privileges.
      GrantFileProtocolExtraPrivileges: state(FuseV1Options.GrantFileProtocolExtraPrivileges),
    }).toEqual({
      RunAsNode: 'off',
      EnableCookieEncryption: 'on',
      EnableNodeOptionsEnvironmentVariable: 'off',
      EnableNodeCliInspectArguments: 'off',
      EnableEmbeddedAsarIntegrityValidation: 'on',
      OnlyLoadAppFromAsar: 'on',
      GrantFileProtocolExtraPrivileges: 'off',
    });
  });

  it('fails the same build without dry-run mode: no installer ships without fuses', async () => {
    const env = { ...process.env };
    delete env.RESULTITY_PACKAGING_DRY_RUN;
    // A stand-in without a fuse wire this time.
    const electronDist = await makeStandInElectron(path.join(tmp, 'electron-dist-no-fuses'));
    const result = await packLinuxDir(electronDist, path.join(tmp, 'out-real'), env);
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/Cannot set Electron fuses: .*has no fuse wire/);
  }, 320_000);
});
