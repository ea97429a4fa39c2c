import type { ReactNode } from 'react';

/** A row of controls above a list (filters, search, view buttons). */
export function Toolbar({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="toolbar" role="toolbar" aria-label={label}>
      {children}
    </div>
  );
}

export interface ToolbarOption<T extends string> {
  value: T;
  label: string;
}

/** A select in a toolbar; `label` is read by screen readers (the options speak for themselves). */
export function ToolbarSelect<T extends string>({
  label,
  value,
  options,
  onChange,
  testId,
}: {
  label: string;
  value: T;
  options: readonly ToolbarOption<T>[];
  onChange: (value: T) => void;
  testId: string;
}) {
  return (
    <label className="toolbar-field">
      <span className="visually-hidden">{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value as T)} data-testid={testId}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
