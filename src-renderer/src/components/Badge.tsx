import type { ReactNode } from 'react';
import type { Tone } from '../lib/node-state-words.js';

export function Badge({
  tone = 'idle',
  children,
  title,
}: {
  tone?: Tone;
  children: ReactNode;
  title?: string;
}) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

export function StatusDot({ tone }: { tone: Tone }) {
  return <span className={`status-dot status-dot-${tone}`} aria-hidden="true" />;
}
