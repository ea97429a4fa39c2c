import type { ReactNode } from 'react';
import { Icon } from './Icon.js';

/** An error shown where it happened: what went wrong, and what to do about it. */
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
  const message = typeof error === 'string' ? error : error?.message;
  return (
    <div className={`notice notice-${tone}`} role={tone === 'bad' ? 'alert' : 'status'}>
      <Icon name={tone === 'bad' ? 'fail' : tone === 'warn' ? 'warn' : 'info'} />
      <div>
        <p className="notice-title">{title}</p>
        {message ? <p className="notice-body">{message}</p> : null}
        {children}
      </div>
    </div>
  );
}
