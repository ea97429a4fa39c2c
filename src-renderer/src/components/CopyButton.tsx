import { useState } from 'react';
import { Icon } from './Icon.js';

export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState<'idle' | 'done' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('done');
    } catch {
      setCopied('failed');
    }
    setTimeout(() => setCopied('idle'), 2000);
  };
  return (
    <button type="button" className="btn btn-ghost btn-sm" onClick={copy} aria-label={label}>
      <Icon name={copied === 'done' ? 'check' : 'copy'} size={14} />
      <span aria-live="polite">
        {copied === 'done' ? 'Copied' : copied === 'failed' ? 'Copy failed' : 'Copy'}
      </span>
    </button>
  );
}
