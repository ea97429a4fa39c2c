'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS hook that electron-builder require()s */
// electron-builder afterPack hook: runs once per platform/arch after the app is packed and
// before it is signed (fuses must be flipped before signing: they change the binary).
const path = require('node:path');
const { applyFuses, isDryRun, DRY_RUN_ENV } = require('./fuses.cjs');
const { planNotarisation } = require('./notarize.cjs');

const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** Path of the Electron binary (macOS: the .app bundle) inside the packed output. */
function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const product = packager.appInfo.productFilename;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${product}.app`);
    case 'win32':
      return path.join(appOutDir, `${product}.exe`);
    default:
      return path.join(appOutDir, packager.executableName);
  }
}

async function afterPack(context, env = process.env, log = console.log) {
  const platform = context.electronPlatformName;
  const arch = ARCH_NAMES[context.arch] || String(context.arch);
  const dryRun = isDryRun(env);
  if (dryRun) {
    // A dry run must never produce an installer: only the unpacked `dir` target.
    const targets = (context.targets || []).map((t) => t.name);
    const installers = targets.filter((name) => name !== 'dir');
    if (installers.length > 0) {
      throw new Error(
        `${DRY_RUN_ENV}=1 is only for the "dir" target, but this build makes ${installers.join(', ')}.`,
      );
    }
  }
  await applyFuses({ binaryPath: electronBinaryPath(context), platform, arch, dryRun, log });
  if (platform === 'darwin') planNotarisation(env, log);
}

module.exports = { afterPack, electronBinaryPath, default: afterPack };
