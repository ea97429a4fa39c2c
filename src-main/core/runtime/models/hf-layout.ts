import path from 'node:path';
import { ModelRevision } from '../../protocol/schemas/snapshot.js';

/**
 * The Hugging Face hub cache layout vLLM reads with HF_HOME mounted:
 * `<HF_HOME>/hub/models--<org>--<name>/snapshots/<revision>/<file>` and `refs/<revision>`.
 * Files are stored as plain files in the snapshot (huggingface_hub accepts that).
 */
export function repoFolder(hfHome: string, repoId: string): string {
  const hub = path.join(hfHome, 'hub');
  const folder = path.join(hub, `models--${repoId.split('/').join('--')}`);
  if (path.dirname(folder) !== hub)
    throw new Error(`Refusing a model name that leaves the cache: ${repoId}`);
  return folder;
}

export function snapshotDir(hfHome: string, repoId: string, revision: string): string {
  return path.join(repoFolder(hfHome, repoId), 'snapshots', safeSegment(revision));
}

/** A file's place in the snapshot; refuses anything that would land outside it. */
export function snapshotFile(
  hfHome: string,
  repoId: string,
  revision: string,
  file: string,
): string {
  const dir = snapshotDir(hfHome, repoId, revision);
  const target = path.resolve(dir, ...file.split(/[\\/]+/));
  if (!target.startsWith(dir + path.sep))
    throw new Error(`Refusing model file path outside the model folder: ${file}`);
  return target;
}

/** `refs/<rev>` names the snapshot folder for a revision that is not a commit hash (a tag, "main"). */
export function refFile(hfHome: string, repoId: string, revision: string): string {
  return path.join(repoFolder(hfHome, repoId), 'refs', safeSegment(revision));
}

export function isCommitHash(revision: string): boolean {
  return /^[0-9a-f]{40}$/.test(revision);
}

function safeSegment(s: string): string {
  // The rule snapshots are verified with: a revision is one path segment.
  if (!ModelRevision.safeParse(s).success) throw new Error(`Unsafe revision name: ${s}`);
  return s;
}
