import { useEffect, useRef, useState } from 'react';
import {
  LOG_SEARCH_MAX_MATCHES,
  LOG_SEARCH_MAX_TEXT,
  type LogSearchResultDto,
} from '../../../src-main/contract/index.js';
import { formatCount } from '../lib/format.js';
import { bridge } from '../stores/bridge-ref.js';
import { CopyButton } from './CopyButton.js';
import { ErrorNotice } from './ErrorNotice.js';

/** Typing pauses this long before the files are searched (each search reads up to 20 MiB). */
const DEBOUNCE_MS = 400;

/**
 * "Older lines from the log files": the search text run over node.log and its rotated files on
 * the node's machine, for lines older than the oldest one the page holds. Searched
 * automatically once typing pauses; the newest matches first.
 */
export function LogFileResults({
  text,
  oldestShown,
}: {
  text: string;
  /** The time of the oldest line the page holds (read when a search starts). */
  oldestShown: () => number | undefined;
}) {
  const needle = text.trim();
  const tooLong = needle.length > LOG_SEARCH_MAX_TEXT;
  const [result, setResult] = useState<LogSearchResultDto | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [pending, setPending] = useState(false);
  const oldest = useRef(oldestShown);
  useEffect(() => {
    oldest.current = oldestShown;
  });

  useEffect(() => {
    setResult(null);
    setError(null);
    if (needle === '' || tooLong) return;
    let current = true;
    setPending(true);
    const timer = setTimeout(() => {
      const before = oldest.current();
      bridge()
        .invoke('searchLogs', { text: needle, ...(before !== undefined ? { before } : {}) })
        .then((r) => current && setResult(r))
        .catch(
          (err: unknown) =>
            current && setError(err instanceof Error ? err : new Error(String(err))),
        )
        .finally(() => current && setPending(false));
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [needle, tooLong]);

  if (needle === '') return null;
  return (
    <section
      className="log-files"
      aria-label="Older lines from the log files"
      data-testid="log-files"
    >
      <h2 className="log-files-title">Older lines from the log files</h2>
      <p className="muted small">
        Searched automatically as you type, in node.log and its rotated copies on the node&apos;s
        machine: lines older than those above, any level, newest first (at most{' '}
        {formatCount(LOG_SEARCH_MAX_MATCHES)}).
      </p>
      {tooLong ? (
        <p className="muted small">
          The log files are searched for at most {formatCount(LOG_SEARCH_MAX_TEXT)} characters:
          shorten the search to search them.
        </p>
      ) : null}
      {error ? <ErrorNotice title="Could not search the log files" error={error} /> : null}
      {pending && !result ? <p className="muted small">Searching the log files…</p> : null}
      {result ? (
        result.matches.length === 0 ? (
          <p className="muted small" data-testid="log-files-none">
            No older line in the log files matches
            {result.files.length === 0 ? ' (there are no log files yet)' : ''}.
          </p>
        ) : (
          <>
            <ol className="log-files-list">
              {result.matches.map((m, i) => (
                <li key={`${m.file}-${i}`} className="log-files-line">
                  <code>{m.line}</code>
                  <span className="log-files-meta muted small">
                    {m.file}
                    <CopyButton value={m.line} label="Copy this line" />
                  </span>
                </li>
              ))}
            </ol>
            {result.truncated ? (
              <p className="muted small">
                Only the newest {formatCount(result.matches.length)} matches are shown: search for
                something longer to find older ones.
              </p>
            ) : null}
          </>
        )
      ) : null}
    </section>
  );
}
