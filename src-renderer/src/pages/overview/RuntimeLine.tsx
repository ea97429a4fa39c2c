import type { NodeStateDto } from '../../../../src-main/contract/index.js';
import { runtimeWords } from '../../lib/plain-words.js';

/**
 * The runtime's state and what it says, with the raw error behind a failure (what the GPU driver
 * or Docker said) folded away behind "Details": it is for support and search, not the first read.
 */
export function RuntimeLine({ runtime }: { runtime: NodeStateDto['runtime'] }) {
  const cause = runtime.cause && runtime.cause !== runtime.detail ? runtime.cause : null;
  return (
    <>
      {runtimeWords(runtime)}
      {runtime.detail ? <span className="muted"> — {runtime.detail}</span> : null}
      {cause ? (
        <details className="problem-details" data-testid="runtime-cause">
          <summary>Details</summary>
          <pre className="problem-raw">{cause}</pre>
        </details>
      ) : null}
    </>
  );
}
