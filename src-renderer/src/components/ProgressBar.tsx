export function ProgressBar({
  value,
  max,
  label,
  tone = 'accent',
}: {
  value: number;
  /** null: size unknown, the bar shows activity without a fraction. */
  max: number | null;
  label: string;
  tone?: 'accent' | 'ok' | 'bad';
}) {
  const fraction = max && max > 0 ? Math.min(1, Math.max(0, value / max)) : null;
  return (
    <div
      className={`progress progress-${tone}${fraction === null ? ' progress-indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}
    >
      <div
        className="progress-fill"
        style={{ width: fraction === null ? '30%' : `${fraction * 100}%` }}
      />
    </div>
  );
}
