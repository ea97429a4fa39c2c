import type { ReactNode } from 'react';
import { errorWords } from '../lib/error-words.js';
import { Icon } from './Icon.js';
import { ProblemDetails } from './ProblemDetails.js';

/**
 * An error shown where it happened: the title says what failed, then one sentence of cause, one
 * of fix, and the raw error behind "Details" (lib/error-words.ts). `children` are the caller's
 * own advice or actions; they replace the generic "try again" advice.
 */
export function ErrorNotice({
  title,
  error,
  children,
  tone = 'bad',
}: {
  title: string;
  error?: Error | string | null;
  children?: ReactNode;
  tone?: 'bad' | 'warn' | 'info';
}) {
  const words = error ? errorWords(error) : null;
  return (
    <div className={`notice notice-${tone}`} role={tone === 'bad' ? 'alert' : 'status'}>
      <Icon name={tone === 'bad' ? 'fail' : tone === 'warn' ? 'warn' : 'info'} />
      <div className="notice-text">
        <p className="notice-title">{title}</p>
        {words && words.cause ? (
          <ProblemDetails
            cause={words.cause}
            fix={words.genericFix && children ? undefined : words.fix}
            detail={words.detail}
          />
        ) : null}
        {children}
      </div>
    </div>
  );
}
