import { createHash } from 'node:crypto';
import { canonicalJson } from '../../protocol/canonical.js';
import type { ApprovedModel } from '../../protocol/schemas/snapshot.js';

/**
 * One value for a model's verified content: `sha256:` + SHA-256 of the canonical JSON of its
 * file list (path, SHA-256, size), sorted by path. Equal digests mean the same weights.
 */
export function filesDigest(files: ApprovedModel['files']): string {
  const list = files
    .map(({ path, sha256, size }) => ({ path, sha256, size }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return `sha256:${createHash('sha256').update(canonicalJson(list)).digest('hex')}`;
}
