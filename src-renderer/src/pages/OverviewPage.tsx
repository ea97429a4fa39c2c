import { Badge, StatusDot } from '../components/Badge.js';
import { stopWhileJobsWords } from '../../../src-main/contract/index.js';
import { useState } from 'react';
import { Button } from '../components/Button.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { PauseCard } from '../components/PauseCard.js';
import { Card } from '../components/Card.js';
import { CopyButton } from '../components/CopyButton.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Spinner } from '../components/Icon.js';
import { LineChart } from '../components/LineChart.js';
import { Stat } from '../components/Stat.js';
import { useAction } from '../components/use-action.js';
import { useNow } from '../app/use-now.js';
import { formatCount, formatTokensPerSecond, formatUptime } from '../lib/format.js';
import { throughputView } from '../lib/throughput-view.js';
import {
  headlineWords,
  isPausedNode,
  isTransitioning,
  nodeWords,
} from '../lib/node-state-words.js';
import { AccountStatus } from '../components/AccountStatus.js';
import { useConnectionStore } from '../stores/connection-store.js';
import { useNodeStore } from '../stores/node-store.js';
import { useStatsStore } from '../stores/stats-store.js';
import { configWords } from '../lib/plain-words.js';
import { RuntimeLine } from './overview/RuntimeLine.js';
import { FirstRunKey } from './overview/FirstRunKey.js';
import { useHistoryStore } from '../stores/history-store.js';
import { ShortValue } from '../components/ShortValue.js';
import { GpuVitals } from './overview/GpuVitals.js';
import { ServingPanel } from './overview/ServingPanel.js';
import { StatusTimeline } from './overview/StatusTimeline.js';
import { TotalsCard } from './overview/TotalsCard.js';
import { UpdatesCard } from './overview/UpdatesCard.js';
import { Page } from './Page.js';

const NETWORK_WORDS = { mainnet: 'Mainnet', testnet: 'Testnet', local: 'Local devnet' } as const;

/**
 * One big Start/Stop button. It is disabled with a spinner while a command is in flight and while
 * the node drains; during registering/testing it stays a working "Cancel start" so a start that
 * hangs (network down) can always be stopped.
 */
function PowerButton() {
  const node = useNodeStore((s) => s.node);
  const inFlight = useStatsStore((s) => s.stats?.inFlight ?? 0);
  const headless = useConnectionStore((s) => s.host) === 'headless';
  const start = useAction(useNodeStore.getState().start);
  const stop = useAction(useNodeStore.getState().stop);
  const [confirmStop, setConfirmStop] = useState(false);
  if (!node) return null;
  // Headless: Stop pauses (the process stays), Start resumes; see PauseCard for ending it.
  const pausedByHand = headless && !!node.pause?.requests.some((r) => r.source === 'manual');
  const words = nodeWords(node);
  const starting = node.state === 'registering' || node.state === 'testing';
  // Draining for a stop (not for a pause): the button waits.
  const stopping = node.state === 'draining' && !isPausedNode(node);
  const isStop = !pausedByHand && (words.action === 'stop' || stopping);
  const pending = start.pending || stop.pending || stopping;
  const error = start.error ?? stop.error;
  let label = isStop
    ? starting
      ? 'Cancel start'
      : headless
        ? 'Pause node'
        : 'Stop node'
    : 'Start node';
  if (pausedByHand) label = 'Resume node';
  if (start.pending) label = 'Starting…';
  if (stop.pending || stopping) label = 'Stopping…';
  const stopWords = stopWhileJobsWords(inFlight);
  const onStop = () => (!headless && inFlight > 0 ? setConfirmStop(true) : void stop.run());
  return (
    <div className="power">
      <Button
        variant={isStop ? 'danger' : 'primary'}
        size="lg"
        icon={isStop ? 'stop' : 'play'}
        pending={pending}
        disabled={words.action === null && !pausedByHand}
        onClick={() => (isStop ? onStop() : void start.run())}
        className="power-button"
        data-testid="power-button"
      >
        {label}
      </Button>
      {error ? (
        <ErrorNotice
          title={isStop ? 'The node did not stop' : 'The node did not start'}
          error={error}
        />
      ) : null}
      <ConfirmDialog
        open={confirmStop}
        title={stopWords.title}
        confirmLabel={stopWords.confirm}
        danger
        onConfirm={() => {
          setConfirmStop(false);
          void stop.run();
        }}
        onCancel={() => setConfirmStop(false)}
      >
        <p>{stopWords.body}</p>
      </ConfirmDialog>
    </div>
  );
}

export function OverviewPage() {
  const node = useNodeStore((s) => s.node);
  const stats = useStatsStore((s) => s.stats);
  const throughput = useStatsStore((s) => s.throughput);
  const totals = useHistoryStore((s) => s.totals);
  const timeline = useHistoryStore((s) => s.timeline);
  const running = !!node?.startedAt && node.state !== 'stopped';
  const now = useNow(running);
  if (!node) return null;
  const { title, tone, warming } = headlineWords(node);
  const chart = throughputView(throughput, now, running);
  return (
    <Page title="Overview" subtitle="What your node is doing right now.">
      <Card className={`hero hero-${tone}`} label="Node state">
        <div className="hero-row">
          <div className="hero-text">
            <p className="hero-state">
              {isTransitioning(node.state) || warming ? (
                <Spinner size={16} />
              ) : (
                <StatusDot tone={tone} />
              )}
              <span data-testid="node-state">{title}</span>
              {node.runtime.simulated ? (
                <Badge
                  tone="busy"
                  title="Jobs run on a simulated runtime, not on a real GPU model."
                >
                  SIMULATED runtime
                </Badge>
              ) : null}
            </p>
            {node.serving ? (
              <p className="hero-reason" data-testid="serving-headline">
                {node.serving.headline}
              </p>
            ) : (
              <p className="hero-reason" data-testid="node-reason">
                {node.reason}
              </p>
            )}
          </div>
          <PowerButton />
        </div>
      </Card>

      <FirstRunKey />

      {node.serving ? <ServingPanel serving={node.serving} /> : null}

      <PauseCard />

      <UpdatesCard updates={node.updates} />

      {node.keyProtection.warning ? (
        <ErrorNotice
          tone="warn"
          title="Your node key is weakly protected"
          error={node.keyProtection.warning}
        />
      ) : null}

      <dl className="stat-grid">
        <Stat
          label="Throughput"
          value={
            <span data-testid="throughput">{formatTokensPerSecond(stats?.tokensPerSecond)}</span>
          }
          hint="generated tokens, last minute"
        />
        <Stat
          label="Jobs done"
          value={<span data-testid="jobs-done">{formatCount(stats?.jobsDone)}</span>}
          hint={
            stats
              ? `${stats.jobsPerMinute.toFixed(0)} in the last minute · ${
                  stats.jobsFailed > 0 ? `${formatCount(stats.jobsFailed)} failed` : 'none failed'
                }`
              : undefined
          }
        />
        <Stat
          label="Tokens served"
          value={formatCount(stats?.tokensServed)}
          hint="since the app started"
        />
        <Stat
          label="Uptime"
          value={running && node.startedAt ? formatUptime(now - node.startedAt) : 'Not running'}
          hint={stats ? `${formatCount(stats.inFlight)} jobs running now` : undefined}
        />
      </dl>

      {timeline.length > 0 ? (
        <StatusTimeline segments={timeline} now={now} running={running} />
      ) : null}

      <div className="grid-2">
        {totals ? <TotalsCard totals={totals} /> : null}
        <GpuVitals />
      </div>

      <div className="grid-2">
        <Card
          title="Tokens per second"
          subtitle="Generated by this node; kept while the app runs, across page loads."
        >
          <LineChart
            title="Generated tokens/s"
            points={chart.points}
            end={chart.end}
            windowMs={chart.windowMs}
            format={(v) => formatTokensPerSecond(v)}
            color={1}
            placeholder={chart.collecting ? 'Collecting data…' : undefined}
          />
        </Card>
        <Card title="This node">
          <dl className="kv">
            <dt>Node ID</dt>
            <dd className="kv-copy">
              {node.nodeId ? (
                <>
                  <code className="wrap-anywhere" data-testid="node-id">
                    {node.nodeId}
                  </code>
                  <CopyButton value={node.nodeId} label="Copy node ID" />
                </>
              ) : (
                <span className="muted">Created when the node first starts</span>
              )}
            </dd>
            <dt>Network</dt>
            <dd>{NETWORK_WORDS[node.network] ?? node.network}</dd>
            <dt>Owner</dt>
            <dd>
              <AccountStatus node={node} />
            </dd>
            <dt>Runtime</dt>
            <dd>
              <RuntimeLine runtime={node.runtime} />
            </dd>
            <dt>Configuration</dt>
            <dd>
              {configWords(node.config)}
              {node.config.digest ? (
                <>
                  {' '}
                  <ShortValue value={node.config.digest} label="Copy configuration digest" />
                </>
              ) : null}
              {node.config.detail ? <span className="muted"> — {node.config.detail}</span> : null}
            </dd>
            <dt>Key protection</dt>
            <dd>{node.keyProtection.summary}</dd>
          </dl>
        </Card>
      </div>
    </Page>
  );
}
