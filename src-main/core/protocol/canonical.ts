import { createHash } from 'node:crypto';
import serialize from 'canonicalize';
import { MalformedMessageError } from './errors.js';

/** RFC 8785 (JCS) canonical JSON: the exact bytes that are hashed and signed. */
export function canonicalJson(value: unknown): string {
  const out = serialize(value);
  if (out === undefined) throw new MalformedMessageError('value cannot be represented as JSON');
  return out;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** "sha256:<hex>" of the canonical JSON of `value`. */
export function canonicalDigest(value: unknown): string {
  return `sha256:${sha256Hex(canonicalJson(value))}`;
}
