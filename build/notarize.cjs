'use strict';
// Notarisation is done by electron-builder itself (`mac.notarize: true`, @electron/notarize)
// right after it signs the app, and only when credentials are in the environment. This module
// reads the same variables, in the same order, so the build log says up front what will happen
// (electron-builder stays silent when the app is not signed at all).

const SETS = [
  // `triggers`: the variables whose presence makes electron-builder pick this set.
  {
    kind: 'Apple ID',
    vars: ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'],
    triggers: ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD'],
  },
  {
    kind: 'App Store Connect API key',
    vars: ['APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'],
    triggers: ['APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'],
  },
  {
    kind: 'keychain profile',
    vars: ['APPLE_KEYCHAIN_PROFILE'],
    triggers: ['APPLE_KEYCHAIN_PROFILE'],
  },
];
const REQUIRE_ENV = 'RESULTITY_REQUIRE_NOTARIZATION';
const HOW =
  'set APPLE_API_KEY (path to the .p8 file), APPLE_API_KEY_ID and APPLE_API_ISSUER, or ' +
  'APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID';

/**
 * Which credential set is present. `missing` lists the variables a half-filled set lacks.
 * @returns {{ kind: string, missing: string[] } | null}
 */
function notarisationCredentials(env = process.env) {
  for (const set of SETS) {
    const has = (v) => typeof env[v] === 'string' && env[v] !== '';
    if (set.triggers.some(has)) return { kind: set.kind, missing: set.vars.filter((v) => !has(v)) };
  }
  return null;
}

/** Logs what notarisation will do; throws on half-filled credentials or when it is required. */
function planNotarisation(env = process.env, log = console.log) {
  const creds = notarisationCredentials(env);
  if (creds === null) {
    if (env[REQUIRE_ENV] === '1' || env[REQUIRE_ENV] === 'true') {
      throw new Error(
        `Notarisation is required (${REQUIRE_ENV}) but no credentials are set: ${HOW}.`,
      );
    }
    log(
      `[notarize] skipping notarisation: no credentials (${HOW}). ` +
        'Gatekeeper will block this build on other Macs.',
    );
    return { notarise: false };
  }
  if (creds.missing.length > 0) {
    throw new Error(
      `Notarisation credentials (${creds.kind}) are incomplete: ${creds.missing.join(', ')} ` +
        `missing. Set them all, or unset the others to build without notarisation.`,
    );
  }
  log(`[notarize] notarisation with ${creds.kind} credentials: runs after signing.`);
  return { notarise: true, kind: creds.kind };
}

module.exports = { notarisationCredentials, planNotarisation, REQUIRE_ENV };
