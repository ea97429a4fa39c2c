import { memo, useCallback, useDeferredValue, useMemo, useState } from 'react';
import type { LogLevelName, LogLineDto } from '../../../src-main/contract/index.js';
import { Button } from '../components/Button.js';
import { EmptyState } from '../components/EmptyState.js';
import { Toolbar, ToolbarSelect } from '../components/Toolbar.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Icon } from '../components/Icon.js';
import { LogFileResults } from '../components/LogFileResults.js';
import { LogLineDetail } from '../components/LogLineDetail.js';
import { useAction } from '../components/use-action.js';
import { VirtualList } from '../components/VirtualList.js';
import { downloadText, exportFileName, logsToText } from '../lib/export-logs.js';
import { formatCount, formatLogTime } from '../lib/format.js';
import { FilteredLogIndex, isFilterActive, RingLogView } from '../lib/log-filter.js';
import { bridge } from '../stores/bridge-ref.js';
import type { LogRing } from '../lib/log-ring.js';
import { LOG_CAPACITY, useLogsStore } from '../stores/logs-store.js';
import { Page } from './Page.js';

const ROW_HEIGHT = 22;

const LEVELS: { value: LogLevelName; label: string }[] = [
  { value: 'debug', label: 'All levels' },
  { value: 'info', label: 'Info and above' },
  { value: 'warn', label: 'Warnings and errors' },
  { value: 'error', label: 'Errors only' },
];

// Memoised: while scrolling, rows that stay in view are not rendered again.
const LogRow = memo(function LogRow({ line, selected }: { line: LogLineDto; selected: boolean }) {
  return (
    <div
      className={`log-row log-${line.level}${selected ? ' log-selected' : ''}`}
      data-seq={line.seq}
      title={line.message.length > 160 ? 'Click to see the whole line' : undefined}
    >
      <span className="log-time">{formatLogTime(line.ts)}</span>
      <span className="log-level">{line.level.toUpperCase()}</span>
      <span className="log-source">{line.source}</span>
      <span className="log-msg">{line.message}</span>
    </div>
  );
});

export function LogsPage() {
  const ring = useLogsStore((s) => s.ring);
  const version = useLogsStore((s) => s.version);
  const [minLevel, setMinLevel] = useState<LogLevelName>('debug');
  const [text, setText] = useState('');
  const deferredText = useDeferredValue(text);
  const [follow, setFollow] = useState(true);
  // Pausing freezes a copy of the lines: the view holds still even while the full ring drops
  // its oldest lines (copying 100,000 references takes a few milliseconds).
  const [frozen, setFrozen] = useState<LogRing | null>(null);
  const source = frozen ?? ring;
  const folder = useAction(async () =>
    setFolderPath((await bridge().invoke('openLogsFolder', undefined)).path),
  );
  const [folderPath, setFolderPath] = useState<string | null>(null);
  // Click a line to see it whole (wrapped) and copy it.
  const [selected, setSelected] = useState<LogLineDto | null>(null);
  const selectedSeq = selected?.seq ?? -1;
  const onListClick = (e: React.MouseEvent) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('.log-row[data-seq]');
    if (!row) return;
    const seq = Number(row.dataset.seq);
    for (let i = 0; i < view.count; i++) {
      const line = view.lineAt(i);
      if (line?.seq === seq) {
        setSelected((s) => (s?.seq === seq ? null : line));
        return;
      }
    }
  };

  const filter = useMemo(() => ({ minLevel, text: deferredText }), [minLevel, deferredText]);
  const view = useMemo(
    () => (isFilterActive(filter) ? new FilteredLogIndex(source, filter) : new RingLogView(source)),
    [source, filter],
  );
  // The index catches up with lines appended since the last render (incremental, cheap).
  if (view instanceof FilteredLogIndex) view.refresh();
  const count = view.count;

  const renderRow = useCallback(
    (i: number) => {
      const line = view.lineAt(i);
      return line ? (
        <LogRow key={line.seq} line={line} selected={line.seq === selectedSeq} />
      ) : (
        <div key={`gap-${i}`} className="log-row" />
      );
    },
    // version: the same view object shows new lines after an append
    [view, version, selectedSeq],
  );

  const paused = frozen !== null;
  const togglePause = () => setFrozen((f) => (f === null ? ring.clone() : null));
  const exportLines = () => downloadText(logsToText(view.toArray()), exportFileName(new Date()));
  const newWhilePaused = frozen === null ? 0 : ring.endAbs - frozen.endAbs;

  return (
    <Page
      title="Logs"
      subtitle={`Live log of the node and its runtime. The newest ${formatCount(LOG_CAPACITY)} lines are kept here.`}
      actions={
        <Button size="sm" icon="folder" pending={folder.pending} onClick={() => folder.run()}>
          Logs folder
        </Button>
      }
    >
      {folder.error ? (
        <ErrorNotice title="Could not open the logs folder" error={folder.error} />
      ) : null}
      {folderPath ? (
        <p className="muted small">
          Log files are in <code>{folderPath}</code>
        </p>
      ) : null}
      <Toolbar label="Log view controls">
        <ToolbarSelect
          label="Level"
          value={minLevel}
          options={LEVELS}
          onChange={setMinLevel}
          testId="log-level"
        />
        <label className="toolbar-field toolbar-search">
          <Icon name="search" size={16} />
          <span className="visually-hidden">Search the log</span>
          <input
            type="search"
            placeholder="Search messages and sources"
            value={text}
            onChange={(e) => setText(e.target.value)}
            data-testid="log-search"
          />
        </label>
        <Button
          size="sm"
          icon={paused ? 'play' : 'pause'}
          aria-pressed={paused}
          onClick={togglePause}
          data-testid="log-pause"
        >
          {paused ? 'Resume' : 'Pause'}
        </Button>
        <Button
          size="sm"
          icon="follow"
          aria-pressed={follow}
          variant={follow ? 'primary' : 'secondary'}
          onClick={() => setFollow((f) => !f)}
          data-testid="log-follow"
        >
          Follow
        </Button>
        <Button
          size="sm"
          icon="download"
          onClick={exportLines}
          disabled={count === 0}
          data-testid="log-export"
        >
          Export
        </Button>
        <span className="toolbar-count" aria-live="polite" data-testid="log-count">
          {formatCount(count)} {count === 1 ? 'line' : 'lines'}
          {isFilterActive(filter) ? ` match (of ${formatCount(source.size)})` : ''}
          {newWhilePaused > 0 ? ` · paused, ${formatCount(newWhilePaused)} new` : ''}
        </span>
      </Toolbar>
      {ring.size === 0 ? (
        <EmptyState icon="logs" title="No log lines yet">
          Lines appear here live as the node works.
        </EmptyState>
      ) : count === 0 ? (
        <EmptyState icon="search" title="No line matches">
          Try a shorter search or a lower level.
          {deferredText.trim() !== '' ? ' Older lines from the log files are listed below.' : ''}
        </EmptyState>
      ) : (
        // Clicks are caught here, once, rather than by a handler on every row.
        <div onClick={onListClick} className="log-list">
          <VirtualList
            count={count}
            rowHeight={ROW_HEIGHT}
            renderRow={renderRow}
            follow={follow}
            onFollowChange={setFollow}
            label="Log lines (click a line to see it whole and copy it)"
            version={version}
          />
        </div>
      )}
      {selected ? <LogLineDetail line={selected} onClose={() => setSelected(null)} /> : null}
      <LogFileResults
        text={deferredText}
        oldestShown={() => (source.size > 0 ? source.at(source.startAbs)?.ts : undefined)}
      />
    </Page>
  );
}
