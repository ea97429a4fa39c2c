import { shortId } from '../lib/format.js';
import { CopyButton } from './CopyButton.js';

/** "sha256:1234ab…cdef12": a digest's scheme stays readable, the hex is cut in the middle. */
export function shortValue(value: string, keep = 6): string {
  const m = /^([a-z0-9]+:)(.+)$/i.exec(value);
  return m ? `${m[1]}${shortId(m[2]!, keep)}` : shortId(value, keep);
}

/**
 * A long digest, key or token shown short, with the full value in the tooltip and on copy.
 * One small component so every page shortens the same way.
 */
export function ShortValue({
  value,
  label,
  keep = 6,
  testId,
}: {
  value: string;
  /** What the copy button copies, for screen readers ("Copy node ID"). */
  label: string;
  keep?: number;
  testId?: string;
}) {
  return (
    <span className="short-value">
      <code title={value} data-testid={testId} data-full={value}>
        {shortValue(value, keep)}
      </code>
      <CopyButton value={value} label={label} />
    </span>
  );
}
