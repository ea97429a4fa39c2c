import type { PauseWindowDto } from '../../../../src-main/contract/index.js';
import { Button } from '../../components/Button.js';

const DAY_LABELS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** "Mon–Fri 22:00 → 07:00 (next day)" — how the window reads. */
export function describeWindow(w: PauseWindowDto): string {
  const days = [...w.days]
    .sort((a, b) => a - b)
    .map((d) => DAY_LABELS[d])
    .join(', ');
  const overnight = w.to <= w.from ? ' (next day)' : '';
  return `${days || 'no day'} ${w.from} → ${w.to}${overnight}`;
}

/** "From [22:00]": a labelled time input that ignores the empty value a half-typed time gives. */
function TimeField({
  label,
  value,
  disabled,
  onChange,
}: {
  label: string;
  value: string;
  disabled: boolean;
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {label}{' '}
      <input
        type="time"
        value={value}
        disabled={disabled}
        aria-label={label.charAt(0).toUpperCase() + label.slice(1)}
        onChange={(e) => e.target.value && onChange(e.target.value)}
      />
    </label>
  );
}

/** Edits the schedule's windows: days, from and to; every change is sent at once. */
export function ScheduleWindows({
  windows,
  disabled,
  onChange,
}: {
  windows: PauseWindowDto[];
  disabled: boolean;
  onChange: (windows: PauseWindowDto[]) => void;
}) {
  const change = (i: number, patch: Partial<PauseWindowDto>) =>
    onChange(windows.map((w, j) => (j === i ? { ...w, ...patch } : w)));
  return (
    <div className="schedule-windows" data-testid="schedule-windows">
      {windows.length === 0 ? (
        <p className="field-help">
          No hours yet: add the hours when you want the GPU for yourself.
        </p>
      ) : null}
      {windows.map((w, i) => (
        <fieldset key={i} className="schedule-window" aria-label={`Window ${i + 1}`}>
          <div className="schedule-days" role="group" aria-label="Days it starts on">
            {DAY_LABELS.map((label, d) => (
              <label key={d} title={DAY_NAMES[d]}>
                <input
                  type="checkbox"
                  checked={w.days.includes(d)}
                  disabled={disabled}
                  aria-label={DAY_NAMES[d]}
                  onChange={(e) =>
                    change(i, {
                      days: e.target.checked
                        ? [...w.days, d].sort((a, b) => a - b)
                        : w.days.filter((x) => x !== d),
                    })
                  }
                />
                {label}
              </label>
            ))}
          </div>
          <TimeField
            label="From"
            value={w.from}
            disabled={disabled}
            onChange={(from) => change(i, { from })}
          />{' '}
          <TimeField
            label="to"
            value={w.to}
            disabled={disabled}
            onChange={(to) => change(i, { to })}
          />{' '}
          <Button
            variant="ghost"
            disabled={disabled}
            onClick={() => onChange(windows.filter((_, j) => j !== i))}
          >
            Remove
          </Button>
          <p className="field-help">{describeWindow(w)}</p>
        </fieldset>
      ))}
      <Button
        disabled={disabled}
        onClick={() =>
          onChange([...windows, { days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }])
        }
      >
        Add hours
      </Button>
    </div>
  );
}
