import { keccak256 } from './keccak256.js';

/**
 * The EIP-191 "personal message" digest a node signature covers:
 * keccak256("\x19Ethereum Signed Message:\n" + byte length + UTF-8 bytes of `message`).
 * The length counts UTF-8 bytes, not UTF-16 units, so non-ASCII text signs correctly.
 */
export function personalMessageDigest(message: string): Uint8Array {
  const length = Buffer.byteLength(message, 'utf8');
  const prefix = `\x19Ethereum Signed Message:\n${length}`;
  // Prefix and message encoded straight into one buffer (from Node's pool when small): this
  // runs twice per job, and a Buffer.concat of two fresh buffers copied every message twice.
  const bytes = Buffer.allocUnsafe(prefix.length + length);
  bytes.write(prefix, 0, 'latin1');
  bytes.write(message, prefix.length, 'utf8');
  return keccak256(bytes);
}
