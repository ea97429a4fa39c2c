#!/usr/bin/env node
// Release signatures for auto-update (checked by src-main/desktop/updater/update-signature.ts).
//
//   node scripts/sign-update.mjs keygen <private-key.pem>
//     Makes an Ed25519 key pair: writes the private key (PKCS#8 PEM, mode 0600) and prints the
//     public key to pin in src-main/desktop/updater/update-key.ts.
//   RESULTITY_UPDATE_SIGNING_KEY="$(cat private-key.pem)" \
//     node scripts/sign-update.mjs sign <release-folder> [--version X.Y.Z]
//     For every latest*.yml in the folder: checks each listed file's sha512 against the file
//     itself, then adds `signature` (base64 Ed25519 over format, version, file name and sha512)
//     to its entry. Refuses a key whose public half is not the one pinned in the app.
//
// Needs only Node and js-yaml: the release workflow runs it after `npm ci --ignore-scripts`.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
} from 'node:crypto';
import { createReadStream, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

/** Must equal SIGNATURE_FORMAT and signedMessage() in update-signature.ts (a test checks both). */
export const SIGNATURE_FORMAT = 'resultity-update-v1';
export const KEY_ENV = 'RESULTITY_UPDATE_SIGNING_KEY';
const KEY_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'src-main/desktop/updater/update-key.ts',
);

export function signedMessage(version, fileName, sha512) {
  return Buffer.from(`${SIGNATURE_FORMAT}\n${version}\n${fileName}\n${sha512}`, 'utf8');
}

/** The 32 raw bytes of an Ed25519 public key, base64 (the form pinned in update-key.ts). */
export function rawPublicKey(key) {
  const pub = key?.type === 'public' ? key : createPublicKey(key);
  const jwk = pub.export({ format: 'jwk' });
  return Buffer.from(jwk.x, 'base64url').toString('base64');
}

/** The key pinned in update-key.ts, or null when none is. */
export function pinnedPublicKey(source = readFileSync(KEY_FILE, 'utf8')) {
  const m = /UPDATE_PUBLIC_KEY\s*:\s*string\s*\|\s*null\s*=\s*(null|'([A-Za-z0-9+/=]+)')/.exec(
    source,
  );
  if (!m) throw new Error(`Cannot find UPDATE_PUBLIC_KEY in ${KEY_FILE}.`);
  return m[2] ?? null;
}

export async function sha512File(path) {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest('base64');
}

const fileNameOf = (url) => decodeURIComponent(String(url).split(/[?#]/)[0].split('/').pop());

/**
 * Signs every latest*.yml in `dir` in place; returns the signed file names. `pinned` is the
 * public key the app trusts: a different signing key is refused before anything is written.
 */
export async function signManifests(dir, privateKeyPem, pinned, expectVersion) {
  const privateKey = createPrivateKey(privateKeyPem);
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new Error('The signing key must be Ed25519.');
  if (!pinned) {
    throw new Error(
      'No update key is pinned in src-main/desktop/updater/update-key.ts: the app could not ' +
        'check these signatures. Pin the public key first (docs/RELEASING.md).',
    );
  }
  if (rawPublicKey(privateKey) !== pinned) {
    throw new Error(
      `The key in ${KEY_ENV} is not the one pinned in the app (pinned ${pinned}, this key's ` +
        `public half ${rawPublicKey(privateKey)}). Installed apps would refuse the update.`,
    );
  }
  const manifests = readdirSync(dir).filter((f) => /^latest.*\.yml$/.test(f));
  if (manifests.length === 0) throw new Error(`No latest*.yml in ${dir}: nothing to sign.`);
  const signed = [];
  for (const manifest of manifests) {
    const path = join(dir, manifest);
    const doc = yaml.load(readFileSync(path, 'utf8'));
    if (!doc || typeof doc.version !== 'string' || !Array.isArray(doc.files) || !doc.files.length) {
      throw new Error(`${manifest} has no version or no files.`);
    }
    if (expectVersion && doc.version !== expectVersion) {
      throw new Error(`${manifest} is for version ${doc.version}, not ${expectVersion}.`);
    }
    for (const file of doc.files) {
      const name = fileNameOf(file.url);
      if (name !== basename(name) || name === '' || name === '..')
        throw new Error(`Bad file name ${file.url}.`);
      const actual = await sha512File(join(dir, name));
      if (actual !== file.sha512) {
        throw new Error(
          `${manifest} lists a sha512 for ${name} that is not the file's: not signed.`,
        );
      }
      file.signature = sign(
        null,
        signedMessage(doc.version, name, file.sha512),
        privateKey,
      ).toString('base64');
      signed.push(name);
    }
    writeFileSync(path, yaml.dump(doc, { lineWidth: -1 }));
  }
  return signed;
}

async function main(argv) {
  const [command, target, ...rest] = argv;
  if (command === 'keygen' && target) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(target, privateKey.export({ format: 'pem', type: 'pkcs8' }), {
      mode: 0o600,
      flag: 'wx',
    });
    console.log(
      `Private key written to ${target} (keep it secret: store it as the ${KEY_ENV} release secret).`,
    );
    console.log(
      `Pin this public key in src-main/desktop/updater/update-key.ts:\n${rawPublicKey(publicKey)}`,
    );
    return;
  }
  if (command === 'sign' && target) {
    const pem = process.env[KEY_ENV];
    if (!pem) throw new Error(`${KEY_ENV} is not set: it must hold the private key (PEM).`);
    const v = rest.indexOf('--version');
    const signed = await signManifests(
      target,
      pem,
      pinnedPublicKey(),
      v >= 0 ? rest[v + 1] : undefined,
    );
    console.log(`Signed ${signed.length} file(s): ${signed.join(', ')}`);
    return;
  }
  throw new Error(
    'Usage: sign-update.mjs keygen <private-key.pem> | sign <release-folder> [--version X.Y.Z]',
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`sign-update: ${err.message}`);
    process.exit(1);
  });
}
