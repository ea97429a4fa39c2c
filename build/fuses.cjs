'use strict';
// Electron fuses: switches compiled into the Electron binary, flipped after packing and before
// signing, so they cannot be changed at run time. Why each is set:
//   RunAsNode false - ELECTRON_RUN_AS_NODE=1 would turn our signed binary into a plain Node that
//     runs any script with the app's identity (and, on macOS, its permissions).
//   EnableCookieEncryption true - cookies on disk are encrypted with the OS keychain key.
//   EnableNodeOptionsEnvironmentVariable false - NODE_OPTIONS could inject --require of any file
//     into the main process, where the node's private key lives.
//   EnableNodeCliInspectArguments false - --inspect/--inspect-brk would open a debugger port
//     into the main process.
//   EnableEmbeddedAsarIntegrityValidation true - macOS and Windows refuse to load an app.asar
//     whose hash differs from the one electron-builder embedded (a tampered install).
//   OnlyLoadAppFromAsar true - Electron loads the app only from app.asar, never from a loose
//     app/ folder someone drops next to it (which would bypass the integrity check).
//   GrantFileProtocolExtraPrivileges false - a file:// page would otherwise be allowed to fetch
//     any local file (the node's key files included). The renderer is served from app://
//     (src-main/desktop/app-protocol.ts), so no page of ours is a file:// page.
// Left as Electron ships it: LoadBrowserProcessSpecificV8Snapshot (we have no snapshot).

const WANTED = {
  RunAsNode: false,
  EnableCookieEncryption: true,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  EnableEmbeddedAsarIntegrityValidation: true,
  OnlyLoadAppFromAsar: true,
  GrantFileProtocolExtraPrivileges: false,
};

const DRY_RUN_ENV = 'RESULTITY_PACKAGING_DRY_RUN';
const NO_SENTINEL = /Could not find sentinel/;

function isDryRun(env = process.env) {
  return env[DRY_RUN_ENV] === '1' || env[DRY_RUN_ENV] === 'true';
}

/**
 * Flips WANTED into the binary and reads them back. A binary without a fuse wire (a stand-in
 * Electron used for packaging dry runs) is skipped only when dryRun is true; in a real build it
 * fails, and so does any fuse that does not read back as wanted.
 * @returns {Promise<{ flipped: boolean, reason?: string }>}
 */
async function applyFuses({ binaryPath, platform, arch, dryRun, log = console.log }) {
  const { flipFuses, getCurrentFuseWire, FuseV1Options, FuseVersion, FuseState } =
    await import('@electron/fuses');
  try {
    await getCurrentFuseWire(binaryPath);
  } catch (error) {
    if (!NO_SENTINEL.test(String(error && error.message))) throw error;
    if (dryRun) {
      const reason = `no fuse wire in ${binaryPath} (a stand-in Electron binary)`;
      log(`[fuses] DRY RUN (${DRY_RUN_ENV}=1): ${reason}; fuses NOT flipped`);
      return { flipped: false, reason };
    }
    throw new Error(
      `Cannot set Electron fuses: ${binaryPath} has no fuse wire, so it is not a real Electron ` +
        `binary. An installer must not ship without fuses; set ${DRY_RUN_ENV}=1 only for ` +
        'packaging dry runs with a stand-in Electron.',
      { cause: error },
    );
  }
  const config = {
    version: FuseVersion.V1,
    // Flipping bytes breaks the ad-hoc signature arm64 macOS requires to run; re-sign ad hoc
    // (the real Developer ID signature is applied afterwards by electron-builder).
    resetAdHocDarwinSignature: platform === 'darwin' && arch === 'arm64',
  };
  for (const [name, value] of Object.entries(WANTED)) config[FuseV1Options[name]] = value;
  await flipFuses(binaryPath, config);

  const wire = await getCurrentFuseWire(binaryPath);
  const wrong = Object.entries(WANTED).filter(([name, value]) => {
    const expected = value ? FuseState.ENABLE : FuseState.DISABLE;
    return wire[FuseV1Options[name]] !== expected;
  });
  if (wrong.length > 0) {
    throw new Error(
      `Electron fuses did not take in ${binaryPath}: ${wrong.map(([n]) => n).join(', ')}. ` +
        'The Electron version may be too old for these fuses.',
    );
  }
  const summary = Object.entries(WANTED)
    .map(([name, value]) => `${name}=${value ? 'on' : 'off'}`)
    .join(' ');
  log(`[fuses] flipped and verified in ${binaryPath}: ${summary}`);
  return { flipped: true };
}

module.exports = { WANTED, DRY_RUN_ENV, isDryRun, applyFuses };
