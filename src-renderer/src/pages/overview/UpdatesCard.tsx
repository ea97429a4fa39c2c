import type { UpdatesDto } from '../../../../src-main/contract/index.js';
import { Card } from '../../components/Card.js';
import { ShortValue } from '../../components/ShortValue.js';

const plainVersion = (v: string) => `v${v.replace(/^v/, '')}`;

/**
 * What the network's configuration asks to update: a newer version of this app ("Update
 * available", and how this copy gets it) and the runtime image change, in plain words.
 * Nothing is shown while there is nothing to say.
 */
export function UpdatesCard({ updates }: { updates: UpdatesDto | undefined }) {
  const agent = updates?.agent;
  const runtime = updates?.runtime ?? null;
  if (!agent?.available && !runtime) return null;
  return (
    <Card title="Updates">
      {agent?.available ? (
        <p data-testid="agent-update">
          <strong>Update available: {plainVersion(agent.available)}</strong>
          <span className="muted"> (this node runs {plainVersion(agent.current)})</span>.{' '}
          {agent.howTo}
        </p>
      ) : null}
      {runtime ? (
        <p data-testid="runtime-update">
          Runtime image <ShortValue value={runtime.digest} label="Copy runtime image digest" />:{' '}
          {runtime.text}
          {runtime.error ? <span className="muted"> Reason: {runtime.error}.</span> : null}
        </p>
      ) : null}
    </Card>
  );
}
