import type { JobDto } from '../../../src-main/contract/index.js';
import { Badge } from '../components/Badge.js';
import { Card } from '../components/Card.js';
import { EmptyState } from '../components/EmptyState.js';
import { useNow } from '../app/use-now.js';
import {
  formatAgo,
  formatCount,
  formatDuration,
  formatTokensPerSecond,
  readableId,
} from '../lib/format.js';
import type { Tone } from '../lib/node-state-words.js';
import { useJobsStore } from '../stores/jobs-store.js';
import { useNodeStore } from '../stores/node-store.js';
import { Page } from './Page.js';

const STATE: Record<JobDto['state'], { text: string; tone: Tone }> = {
  received: { text: 'Received', tone: 'busy' },
  accepted: { text: 'Accepted', tone: 'busy' },
  running: { text: 'Running', tone: 'busy' },
  completed: { text: 'Completed', tone: 'ok' },
  acked: { text: 'Delivered', tone: 'ok' },
  rejected: { text: 'Rejected', tone: 'warn' },
  failed: { text: 'Failed', tone: 'bad' },
};

export function JobsPage() {
  const jobs = useJobsStore((s) => s.jobs);
  const nodeState = useNodeStore((s) => s.node?.state);
  // "5 s ago" labels refresh every few seconds only while the page is open.
  const now = useNow(jobs.length > 0, 5000);
  return (
    <Page title="Jobs" subtitle="The most recent inference jobs this node received.">
      <Card label="Recent jobs">
        {jobs.length === 0 ? (
          <EmptyState icon="jobs" title="No jobs yet">
            {nodeState === 'active'
              ? 'The node is active and waiting; jobs appear here as soon as the network sends one.'
              : 'Start the node on the Overview page; jobs appear here once it is active.'}
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table table-numeric" data-testid="jobs-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Job</th>
                  <th scope="col">Model</th>
                  <th scope="col" className="num">
                    Tokens
                  </th>
                  <th scope="col" className="num">
                    Duration
                  </th>
                  <th scope="col" className="num">
                    Speed
                  </th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {jobs.map((j) => {
                  const st = STATE[j.state] ?? { text: j.state, tone: 'idle' as Tone };
                  return (
                    <tr key={j.jobId}>
                      <td className="nowrap">{formatAgo(j.updatedAt, now)}</td>
                      <td className="nowrap">
                        <code title={j.jobId} data-testid="job-id">
                          {readableId(j.jobId)}
                        </code>
                        {j.test ? (
                          <>
                            {' '}
                            <Badge tone="idle" title="The network's test task, not a paid job">
                              test
                            </Badge>
                          </>
                        ) : null}
                      </td>
                      <td className="wrap-anywhere">{j.model}</td>
                      <td
                        className="num"
                        title={`${formatCount(j.promptTokens)} prompt + ${formatCount(j.completionTokens)} generated`}
                      >
                        {formatCount(j.promptTokens + j.completionTokens)}
                      </td>
                      <td className="num">{formatDuration(j.durationMs)}</td>
                      <td className="num">{formatTokensPerSecond(j.tokensPerSecond)}</td>
                      <td>
                        <Badge tone={st.tone}>{st.text}</Badge>
                        {j.outcome && j.outcome !== st.text.toLowerCase() ? (
                          <span className="cell-detail muted"> {j.outcome}</span>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </Page>
  );
}
