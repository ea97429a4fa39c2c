import { CopyButton } from '../../components/CopyButton.js';

/** `sha256:1a2b3c4d…9f8e` — enough to compare by eye; Copy gives the full value. */
export function shortDigest(digest: string): string {
  const [algo, hex = ''] = digest.includes(':') ? digest.split(':', 2) : ['', digest];
  const short = hex.length > 16 ? `${hex.slice(0, 8)}…${hex.slice(-4)}` : hex;
  return algo ? `${algo}:${short}` : short;
}

/** The verified file list's digest, shortened, with the full value on copy. */
export function ModelDigest({ digest, model }: { digest: string; model: string }) {
  return (
    <span className="model-digest">
      <code title={digest} data-testid="model-digest">
        {shortDigest(digest)}
      </code>
      <CopyButton value={digest} label={`Copy the verified digest of ${model}`} />
    </span>
  );
}
