import type { ModelDto, ProgressDto, VerificationState } from '../../../src-main/contract/index.js';
import { Badge } from '../components/Badge.js';
import { Card } from '../components/Card.js';
import { EmptyState } from '../components/EmptyState.js';
import { Icon } from '../components/Icon.js';
import { ProgressBar } from '../components/ProgressBar.js';
import { ShortValue } from '../components/ShortValue.js';
import { formatBytes, formatEta } from '../lib/format.js';
import type { Tone } from '../lib/node-state-words.js';
import { useModelsStore } from '../stores/models-store.js';
import { ModelDiskLine } from './models/ModelDiskLine.js';
import { Page } from './Page.js';

const VERIFICATION: Record<VerificationState, { text: string; tone: Tone }> = {
  not_installed: { text: 'Not installed', tone: 'idle' },
  downloading: { text: 'Downloading', tone: 'busy' },
  verifying: { text: 'Verifying', tone: 'busy' },
  verified: { text: 'Verified', tone: 'ok' },
  mismatch: { text: 'Checksum mismatch', tone: 'bad' },
  no_disk: { text: 'Not enough disk', tone: 'bad' },
  unchecked: { text: 'Not checked by this node', tone: 'idle' },
};

function Transfer({ p }: { p: ProgressDto }) {
  const kind = p.kind === 'image_pull' ? 'Runtime image' : 'Model download';
  const sizes = p.bytesTotal
    ? `${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}`
    : `${formatBytes(p.bytesDone)} so far`;
  const speed =
    p.state === 'running' && p.bytesPerSecond ? ` at ${formatBytes(p.bytesPerSecond)}/s` : '';
  const status =
    p.state === 'done' ? 'Done' : p.state === 'failed' ? 'Failed' : formatEta(p.etaSeconds);
  return (
    <li className="transfer">
      <div className="transfer-head">
        <span className="transfer-label">
          <span className="muted">{kind}</span> {p.label}
        </span>
        <span className={`transfer-status transfer-${p.state}`}>{status}</span>
      </div>
      <ProgressBar
        value={p.state === 'done' && !p.bytesTotal ? 1 : p.bytesDone}
        max={p.state === 'done' && !p.bytesTotal ? 1 : p.bytesTotal}
        label={`${kind} ${p.label}`}
        tone={p.state === 'failed' ? 'bad' : p.state === 'done' ? 'ok' : 'accent'}
      />
      <p className="transfer-foot">
        {sizes}
        {speed}
        {p.error ? <span className="text-bad"> — {p.error}</span> : null}
      </p>
    </li>
  );
}

function ModelRow({ m }: { m: ModelDto }) {
  const v = VERIFICATION[m.verification] ?? { text: m.verification, tone: 'idle' as Tone };
  return (
    <tr>
      <th scope="row">
        <span className="model-name">{m.name}</span>
        <span className="muted model-served">
          served as <code>{m.servedName}</code> · revision{' '}
          <code title={m.revision}>{m.revision.slice(0, 12)}</code>
        </span>
      </th>
      <td className="nowrap">{m.sizeBytes > 0 ? formatBytes(m.sizeBytes) : '—'}</td>
      <td>
        <span className="tag-row">
          {m.active ? <Badge tone="ok">Active</Badge> : null}
          {m.installed ? <Badge tone="idle">Installed</Badge> : null}
          {m.approved ? (
            <Badge tone="idle">Approved</Badge>
          ) : (
            <Badge tone="warn">Not approved</Badge>
          )}
        </span>
      </td>
      <td data-testid={`verification-${m.servedName}`} data-state={m.verification}>
        <Badge tone={v.tone}>
          {m.verification === 'verified' ? (
            <Icon name="check" size={12} />
          ) : m.verification === 'mismatch' ? (
            <Icon name="fail" size={12} />
          ) : null}
          {v.text}
        </Badge>
        {m.verification === 'verified' && m.digest ? (
          <span className="model-digest">
            <ShortValue
              value={m.digest}
              label={`Copy the verified digest of ${m.name}`}
              testId="model-digest"
            />
          </span>
        ) : null}
        {m.detail ? (
          <p className={v.tone === 'bad' ? 'cell-detail text-bad' : 'cell-detail muted'}>
            {m.detail}
          </p>
        ) : null}
      </td>
    </tr>
  );
}

export function ModelsPage() {
  const models = useModelsStore((s) => s.models);
  const progress = useModelsStore((s) => s.progress);
  const disk = useModelsStore((s) => s.disk);
  const active = models.filter((m) => m.active);
  return (
    <Page
      title="Models"
      subtitle="Models the network approved for this node, what is installed, and what is serving."
    >
      <Card title="Downloads" subtitle="Runtime image pulls and model downloads.">
        {progress.length === 0 ? (
          <EmptyState icon="download" title="Nothing downloading">
            Downloads start when the network assigns this node a model it does not have yet.
          </EmptyState>
        ) : (
          <ul className="transfer-list">
            {[...progress].reverse().map((p) => (
              <Transfer key={p.id} p={p} />
            ))}
          </ul>
        )}
      </Card>
      <Card
        title="Models"
        subtitle={
          active.length > 0
            ? `Serving ${active.map((m) => m.servedName).join(', ')}`
            : 'No model is serving right now.'
        }
      >
        {disk ? <ModelDiskLine disk={disk} /> : null}
        {models.length === 0 ? (
          <EmptyState icon="models" title="No models yet">
            The network's configuration lists the models this node may serve. It arrives after the
            node registers.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Model</th>
                  <th scope="col">Size</th>
                  <th scope="col">Status</th>
                  <th scope="col">Verification</th>
                </tr>
              </thead>
              <tbody>
                {models.map((m) => (
                  <ModelRow key={`${m.name}@${m.revision}`} m={m} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </Page>
  );
}
