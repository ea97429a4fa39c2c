import { useState, type FormEvent } from 'react';
import type { SettingsDto } from '../../../../src-main/contract/index.js';
import { Button } from '../../components/Button.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { useAction } from '../../components/use-action.js';
import { useSettingsStore } from '../../stores/settings-store.js';

/** Empty: no limit of the operator's (models may fill the disk up to 10 % free). */
export function parseDiskBudget(
  text: string,
): { ok: true; gb: number | null } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: true, gb: null };
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
    return {
      ok: false,
      message: 'Use a whole number of GB from 1 to 1000000, or leave it empty for the default.',
    };
  return { ok: true, gb: n };
}

/** Settings → "Disk space for models" (modelDiskBudgetGb). */
export function ModelDiskBudget({ settings }: { settings: SettingsDto }) {
  const [text, setText] = useState(
    settings.modelDiskBudgetGb === null ? '' : String(settings.modelDiskBudgetGb),
  );
  const [invalid, setInvalid] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const update = useAction(useSettingsStore.getState().update);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseDiskBudget(text);
    if (!parsed.ok) return setInvalid(parsed.message);
    setInvalid(null);
    setSaved(await update.run({ modelDiskBudgetGb: parsed.gb }));
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <div className="field">
        <label className="field-label" htmlFor="model-disk">
          Disk space for models (GB)
        </label>
        <p className="field-help" id="model-disk-help">
          Empty lets the models use the disk until 10 % of it is left free. A model that does not
          fit is not downloaded, and the Models page says so.
        </p>
        <input
          id="model-disk"
          type="number"
          min={1}
          inputMode="numeric"
          placeholder="Leave 10 % free"
          value={text}
          aria-invalid={invalid ? true : undefined}
          aria-describedby="model-disk-help"
          onChange={(e) => {
            setText(e.target.value);
            setSaved(false);
          }}
        />
        {invalid ? (
          <p className="field-error" role="alert">
            {invalid}
          </p>
        ) : null}
      </div>
      <div className="form-actions">
        <Button type="submit" variant="primary" pending={update.pending}>
          Save disk limit
        </Button>
        {saved ? (
          <span className="text-ok" role="status">
            Saved. It applies from the node&apos;s next start.
          </span>
        ) : null}
      </div>
      {update.error ? (
        <ErrorNotice title="The disk limit was not saved" error={update.error} />
      ) : null}
    </form>
  );
}
