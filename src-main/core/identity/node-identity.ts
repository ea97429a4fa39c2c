import { inspect } from 'node:util';
import {
  SigningKey,
  computeAddress,
  encryptKeystoreJson,
  getBytes,
  hexlify,
  randomBytes,
} from 'ethers';
import { signRecoverable } from 'tiny-secp256k1';
import './native-scrypt.js';
import { personalMessageDigest } from './personal-message.js';

/** secp256k1 group order: a private key must be in [1, n-1]. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The scrypt cost of a keystore; production leaves it to ethers' default (N = 2^17). */
export interface KeystoreEncryptOptions {
  scrypt?: { N?: number; r?: number; p?: number };
}

/** An imported private key is unusable. The message never contains the key. */
export class InvalidPrivateKeyError extends Error {
  override readonly name = 'InvalidPrivateKeyError';
}

function parsePrivateKey(input: string): string {
  const hex = input.trim().replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new InvalidPrivateKeyError(
      'The private key is not valid: expected 64 hexadecimal characters (32 bytes), optionally ' +
        'prefixed with 0x. Check that the whole key was copied.',
    );
  }
  const value = BigInt(`0x${hex}`);
  if (value === 0n || value >= SECP256K1_N) {
    throw new InvalidPrivateKeyError(
      'The private key is not valid: it is outside the range allowed for secp256k1 keys. ' +
        'Use a key produced by a wallet or let the app create a new one.',
    );
  }
  return `0x${hex.toLowerCase()}`;
}

/**
 * The node's key pair. The private key lives in a true private field and only leaves this
 * object encrypted (`encryptToKeystore`); JSON, inspection, spreading and enumeration only
 * ever show the public parts. Structurally a protocol `MessageSigner` (`address`,
 * `signMessage`).
 */
export class NodeIdentity {
  readonly #key: SigningKey;
  /** The same key as bytes, for the fast signer. */
  readonly #secret: Uint8Array;
  /** EIP-55 checksummed address derived from the key: the node ID. */
  readonly nodeId: string;
  /** Same value as `nodeId`, under the name the protocol signer interface uses. */
  readonly address: string;
  /** Uncompressed public key, `0x04…` (65 bytes). */
  readonly publicKey: string;

  private constructor(key: SigningKey) {
    this.#key = key;
    this.#secret = getBytes(key.privateKey);
    this.publicKey = key.publicKey;
    this.nodeId = computeAddress(key.publicKey);
    this.address = this.nodeId;
  }

  static generate(): NodeIdentity {
    for (;;) {
      const candidate = hexlify(randomBytes(32));
      const value = BigInt(candidate);
      // Out-of-range values have a probability of about 2^-128; retry rather than fail.
      if (value !== 0n && value < SECP256K1_N) return new NodeIdentity(new SigningKey(candidate));
    }
  }

  /** Imports a 32-byte hex private key (with or without 0x). Throws InvalidPrivateKeyError. */
  static fromPrivateKey(privateKeyHex: string): NodeIdentity {
    if (typeof privateKeyHex !== 'string') {
      throw new InvalidPrivateKeyError('The private key is not valid: expected a hex string.');
    }
    return new NodeIdentity(new SigningKey(parsePrivateKey(privateKeyHex)));
  }

  /** EIP-191 personal-sign, synchronous: 65-byte signature as 0x-hex. */
  signMessage(message: string): string {
    // libsecp256k1 (WASM) signs every job result and accept: ~5x faster than ethers' JS signer,
    // with the very same bytes (RFC 6979 nonces, low S, v = 27 + recovery id).
    const { signature, recoveryId } = signRecoverable(personalMessageDigest(message), this.#secret);
    const hex = Buffer.from(signature.buffer, signature.byteOffset, 64).toString('hex');
    return `0x${hex}${(27 + recoveryId).toString(16)}`;
  }

  /** The key as a Web3 Secret Storage v3 JSON, encrypted with `secret`. */
  encryptToKeystore(secret: string, options: KeystoreEncryptOptions = {}): Promise<string> {
    const account = { address: this.nodeId, privateKey: this.#key.privateKey };
    return encryptKeystoreJson(account, secret, options.scrypt ? { scrypt: options.scrypt } : {});
  }

  /** True when `other` holds the same key (compared by public key, never by exporting). */
  sameKeyAs(other: NodeIdentity): boolean {
    return this.publicKey === other.publicKey;
  }

  toJSON(): { nodeId: string; publicKey: string } {
    return { nodeId: this.nodeId, publicKey: this.publicKey };
  }

  [inspect.custom](): { nodeId: string; publicKey: string } {
    return this.toJSON();
  }

  toString(): string {
    return `NodeIdentity(${this.nodeId})`;
  }
}
