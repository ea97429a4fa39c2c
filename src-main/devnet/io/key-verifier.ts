import { createRequire } from 'node:module';
import { keccak_256 } from '@noble/hashes/sha3.js';
import * as ecc from 'tiny-secp256k1';

/** Checks an EIP-191 signature over `payload` against one known public key. */
export type SignatureCheck = (payload: string, sig: string) => boolean;

const SIG_HEX = /^0x[0-9a-fA-F]{130}$/;

type RawVerify = (hash: Uint8Array, publicKey: Uint8Array, sig64: Uint8Array) => boolean;

interface NativeSecp256k1 {
  ecdsaVerify(sig: Uint8Array, msg32: Uint8Array, publicKey: Uint8Array): boolean;
}

/**
 * libsecp256k1 through the `secp256k1` package's prebuilt N-API addon (~16,000 checks/s on one
 * core here), else the same library compiled to WebAssembly (~3,700/s). Both accept only low-S
 * signatures, like ethers. The package's own fallback (elliptic, pure JS) is never used.
 */
function loadVerifier(): { verify: RawVerify; backend: string } {
  try {
    const native = createRequire(import.meta.url)('secp256k1/bindings.js') as NativeSecp256k1;
    return { verify: (h, p, s) => native.ecdsaVerify(s, h, p), backend: 'libsecp256k1 (native)' };
  } catch {
    return { verify: (h, p, s) => ecc.verify(h, p, s, true), backend: 'libsecp256k1 (wasm)' };
  }
}

const verifier = loadVerifier();
export const VERIFIER_BACKEND = verifier.backend;

/** EIP-191 personal-message hash: keccak256("\x19Ethereum Signed Message:\n" + len + message). */
export function eip191Hash(message: string): Uint8Array {
  const body = Buffer.from(message, 'utf8');
  const prefix = Buffer.from(`\x19Ethereum Signed Message:\n${body.length}`, 'utf8');
  return keccak_256(Buffer.concat([prefix, body]));
}

/**
 * Signature check against a node's REGISTERED public key with libsecp256k1, many times faster
 * than ethers' recovery, so the IO service can verify every result at benchmark rates. Like
 * ethers it refuses high-S signatures and recovery bytes other than 0, 1, 27, 28.
 */
export function signatureCheckFor(publicKeyHex: string): SignatureCheck {
  const publicKey = Buffer.from(publicKeyHex.replace(/^0x/, ''), 'hex');
  if (publicKey.length !== 65 || !ecc.isPoint(publicKey)) {
    throw new Error('not an uncompressed secp256k1 public key');
  }
  return (payload, sig) => {
    if (!SIG_HEX.test(sig)) return false;
    const v = parseInt(sig.slice(130, 132), 16);
    if (v !== 27 && v !== 28 && v !== 0 && v !== 1) return false;
    try {
      return verifier.verify(eip191Hash(payload), publicKey, Buffer.from(sig.slice(2, 130), 'hex'));
    } catch {
      return false;
    }
  };
}
