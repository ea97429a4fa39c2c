import { memo, useCallback, useMemo, useState } from 'react';
import type { JobDto } from '../../../src-main/contract/index.js';
import { Badge } from '../components/Badge.js';
import { EmptyState } from '../components/EmptyState.js';
import { Toolbar, ToolbarSelect } from '../components/Toolbar.js';
import { VirtualList } from '../components/VirtualList.js';
import { useNow } from '../app/use-now.js';
import {
  formatAgo,
  formatCount,
  formatDuration,
  formatTokensPerSecond,
  readableId,
} from '../lib/format.js';
import { OUTCOMES, viewJobs, type OutcomeFilter } from '../lib/job-filter.js';
import type { Tone } from '../lib/node-state-words.js';
import { MAX_JOBS, useJobsStore } from '../stores/jobs-store.js';
import { useNodeStore } from '../stores/node-store.js';
import { Page } from './Page.js';

const ROW_HEIGHT = 36;

const STATE: Record<JobDto['state'], { text: string; tone: Tone }> = {
  received: { text: 'Received', tone: 'busy' },
  accepted: { text: 'Accepted', tone: 'busy' },
  running: { text: 'Running', tone: 'busy' },
  completed: { text: 'Completed', tone: 'ok' },
  acked: { text: 'Delivered', tone: 'ok' },
  rejected: { text: 'Refused', tone: 'warn' },
  failed: { text: 'Failed', tone: 'bad' },
};

const HEADER = (
  <div className="jobs-row jobs-head" role="row">
    <span role="columnheader">When</span>
    <span role="columnheader">Job</span>
    <span role="columnheader">Model</span>
    <span role="columnheader" className="num">
      Tokens
    </span>
    <span role="columnheader" className="num col-low">
      Duration
    </span>
    <span role="columnheader" className="num col-low">
      Speed
    </span>
    <span role="columnheader">Outcome</span>
  </div>
);

// Memoised: rows that stay in view while scrolling are not rendered again.
const JobRow = memo(function JobRow({ job, now }: { job: JobDto; now: number }) {
  const st = STATE[job.state] ?? { text: job.state, tone: 'idle' as Tone };
  const detail = job.outcome && job.outcome !== st.text.toLowerCase() ? job.outcome : '';
  return (
    <div className="jobs-row" role="row" data-testid="job-row">
      <span role="cell" className="nowrap">
        {formatAgo(job.updatedAt, now)}
      </span>
      <span role="cell" className="nowrap clip">
        <code title={job.jobId} data-testid="job-id">
          {readableId(job.jobId)}
        </code>
        {job.test ? (
          <>
            {' '}
            <Badge tone="idle" title="The network's test task, not a paid job">
              test
            </Badge>
          </>
        ) : null}
      </span>
      <span role="cell" className="clip" title={job.model}>
        {job.model}
      </span>
      <span
        role="cell"
        className="num"
        title={`${formatCount(job.promptTokens)} prompt + ${formatCount(job.completionTokens)} generated`}
      >
        {formatCount(job.promptTokens + job.completionTokens)}
      </span>
      <span role="cell" className="num col-low">
        {formatDuration(job.durationMs)}
      </span>
      <span role="cell" className="num col-low">
        {formatTokensPerSecond(job.tokensPerSecond)}
      </span>
      <span role="cell" className="clip" title={detail || undefined}>
        <Badge tone={st.tone}>{st.text}</Badge>
        {detail ? <span className="cell-detail muted"> {detail}</span> : null}
      </span>
    </div>
  );
});

export function JobsPage() {
  const list = useJobsStore((s) => s.list);
  const version = useJobsStore((s) => s.version);
  const nodeState = useNodeStore((s) => s.node?.state);
  const [outcome, setOutcome] = useState<OutcomeFilter>('all');
  const [model, setModel] = useState('');
  // "5 s ago" labels refresh every few seconds only while the page is open.
  const now = useNow(list.size > 0, 5000);
  const view = useMemo(
    () => viewJobs(list, { outcome, model }),
    // version: the list is mutated in place
    [list, version, outcome, model],
  );
  const renderRow = useCallback(
    (i: number) => {
      const job = view.at(i);
      return job ? <JobRow key={job.jobId} job={job} now={now} /> : null;
    },
    [view, now],
  );
  const modelOptions = useMemo(
    () => [{ value: '', label: 'All models' }, ...view.models.map((m) => ({ value: m, label: m }))],
    [view.models],
  );
  const t = view.totals;
  const filtered = outcome !== 'all' || model !== '';

  return (
    <Page
      title="Jobs"
      subtitle={`Jobs this node received since the dashboard opened, newest first (up to ${formatCount(MAX_JOBS)}).`}
    >
      {list.size === 0 ? (
        <EmptyState icon="jobs" title="No jobs yet">
          {nodeState === 'active'
            ? 'The node is active and waiting; jobs appear here as soon as the network sends one.'
            : 'Start the node on the Overview page; jobs appear here once it is active.'}
        </EmptyState>
      ) : (
        <>
          <Toolbar label="Job filters">
            <ToolbarSelect
              label="Outcome"
              value={outcome}
              options={OUTCOMES}
              onChange={setOutcome}
              testId="job-outcome"
            />
            <ToolbarSelect
              label="Model"
              value={model}
              options={modelOptions}
              onChange={setModel}
              testId="job-model"
            />
            <span className="toolbar-count" aria-live="polite" data-testid="job-totals">
              {formatCount(t.jobs)} {t.jobs === 1 ? 'job' : 'jobs'}
              {filtered ? ` (of ${formatCount(list.size)})` : ''} · {formatCount(t.tokens)} tokens ·{' '}
              {formatCount(t.delivered)} delivered · {formatCount(t.failed)} failed
            </span>
          </Toolbar>
          {view.count === 0 ? (
            <EmptyState icon="search" title="No job matches">
              Choose another outcome or model.
            </EmptyState>
          ) : (
            <VirtualList
              className="jobs-table"
              testId="jobs-table"
              count={view.count}
              rowHeight={ROW_HEIGHT}
              renderRow={renderRow}
              follow={false}
              onFollowChange={() => undefined}
              label="Jobs"
              version={version}
              header={HEADER}
            />
          )}
        </>
      )}
    </Page>
  );
}
