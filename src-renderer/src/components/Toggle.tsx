import { useId } from 'react';

/** A labelled on/off switch (a checkbox with role="switch", so keyboard and readers know it). */
export function Toggle({
  label,
  description,
  checked,
  disabled,
  onChange,
}: {
  label: string;
  description?: string;
  checked: boolean;
  disabled?: boolean;
  onChange: (checked: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="field field-toggle">
      <div>
        <label htmlFor={id} className="field-label">
          {label}
        </label>
        {description ? (
          <p className="field-help" id={`${id}-help`}>
            {description}
          </p>
        ) : null}
      </div>
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="switch"
        checked={checked}
        disabled={disabled}
        aria-describedby={description ? `${id}-help` : undefined}
        onChange={(e) => onChange(e.target.checked)}
      />
    </div>
  );
}
