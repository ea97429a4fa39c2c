import type { LogLineDto } from '../../../src-main/contract/index.js';
import { logsToText } from '../lib/export-logs.js';
import { Button } from './Button.js';
import { CopyButton } from './CopyButton.js';

/** One log line in full: wrapped, with its exact time, and a button that copies it. */
export function LogLineDetail({ line, onClose }: { line: LogLineDto; onClose: () => void }) {
  const text = logsToText([line]).trimEnd();
  return (
    <section className="log-detail" aria-label="Selected log line" data-testid="log-detail">
      <header className="log-detail-head">
        <span className="log-level">{line.level.toUpperCase()}</span>
        <span className="log-source">{line.source}</span>
        <time className="muted small" dateTime={new Date(line.ts).toISOString()}>
          {new Date(line.ts).toLocaleString()}
        </time>
        <span className="log-detail-actions">
          <CopyButton value={text} label="Copy this line" />
          <Button size="sm" variant="ghost" onClick={onClose}>
            Close
          </Button>
        </span>
      </header>
      <pre className="log-detail-text" data-testid="log-detail-text">
        {line.message}
      </pre>
    </section>
  );
}
