import { useState, type FormEvent } from 'react';
import type { SettingsDto } from '../../../../src-main/contract/index.js';
import { Button } from '../../components/Button.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { useAction } from '../../components/use-action.js';
import { useSettingsStore } from '../../stores/settings-store.js';

type Parsed =
  | { ok: true; patch: Partial<SettingsDto> }
  | { ok: false; field: 'jobs' | 'headroom'; message: string };

export function parseLimits(jobs: string, headroom: string): Parsed {
  let maxConcurrentJobs: number | null = null;
  if (jobs.trim() !== '') {
    const n = Number(jobs);
    if (!Number.isInteger(n) || n < 1 || n > 256) {
      return {
        ok: false,
        field: 'jobs',
        message: 'Use a whole number from 1 to 256, or leave it empty for the network default.',
      };
    }
    maxConcurrentJobs = n;
  }
  const h = Number(headroom);
  if (headroom.trim() === '' || !Number.isInteger(h) || h < 0 || h > 262_144) {
    return {
      ok: false,
      field: 'headroom',
      message: 'Use a whole number of MiB from 0 to 262144 (0 keeps nothing back).',
    };
  }
  return { ok: true, patch: { maxConcurrentJobs, gpuMemoryHeadroomMb: h } };
}

export function ResourceLimits({ settings }: { settings: SettingsDto }) {
  const [jobs, setJobs] = useState(
    settings.maxConcurrentJobs === null ? '' : String(settings.maxConcurrentJobs),
  );
  const [headroom, setHeadroom] = useState(String(settings.gpuMemoryHeadroomMb));
  const [invalid, setInvalid] = useState<Extract<Parsed, { ok: false }> | null>(null);
  const [saved, setSaved] = useState(false);
  const update = useAction(useSettingsStore.getState().update);
  // The runtime would restart under running jobs: the service asks for a yes first.
  const [confirming, setConfirming] = useState<Partial<SettingsDto> | null>(null);
  const needsConfirm = (update.error as { code?: string } | null)?.code === 'confirm_restart';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseLimits(jobs, headroom);
    if (!parsed.ok) {
      setInvalid(parsed);
      return;
    }
    setInvalid(null);
    setConfirming(parsed.patch);
    setSaved(await update.run(parsed.patch));
  };
  const confirm = async () => {
    const patch = confirming;
    setConfirming(null);
    if (patch) setSaved(await update.run({ ...patch, confirmRestart: true }));
  };
  const err = (field: 'jobs' | 'headroom') => (invalid?.field === field ? invalid.message : null);
  return (
    <form className="form" onSubmit={submit} noValidate>
      <div className="field">
        <label className="field-label" htmlFor="max-jobs">
          Most jobs at once
        </label>
        <p className="field-help" id="max-jobs-help">
          Empty uses the network&apos;s limit. Lower it to leave the GPU more room for other work.
        </p>
        <input
          id="max-jobs"
          type="number"
          min={1}
          max={256}
          inputMode="numeric"
          placeholder="Network default"
          value={jobs}
          aria-invalid={err('jobs') ? true : undefined}
          aria-describedby="max-jobs-help"
          onChange={(e) => {
            setJobs(e.target.value);
            setSaved(false);
          }}
        />
        {err('jobs') ? (
          <p className="field-error" role="alert">
            {err('jobs')}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label className="field-label" htmlFor="headroom">
          VRAM kept free (MiB)
        </label>
        <p className="field-help" id="headroom-help">
          Memory the runtime leaves for your desktop and other apps.
        </p>
        <input
          id="headroom"
          type="number"
          min={0}
          step={256}
          inputMode="numeric"
          value={headroom}
          aria-invalid={err('headroom') ? true : undefined}
          aria-describedby="headroom-help"
          onChange={(e) => {
            setHeadroom(e.target.value);
            setSaved(false);
          }}
        />
        {err('headroom') ? (
          <p className="field-error" role="alert">
            {err('headroom')}
          </p>
        ) : null}
      </div>
      <div className="form-actions">
        <Button type="submit" variant="primary" pending={update.pending}>
          Save limits
        </Button>
        {saved ? (
          <span className="text-ok" role="status">
            Saved. A running node applies them now; the runtime restarts if they change how it runs.
          </span>
        ) : null}
      </div>
      {update.error && !needsConfirm ? (
        <ErrorNotice title="The limits were not saved" error={update.error} />
      ) : null}
      <ConfirmDialog
        open={needsConfirm && confirming !== null}
        title="Restart the runtime now?"
        confirmLabel="Save and restart"
        danger
        onConfirm={() => void confirm()}
        onCancel={() => {
          setConfirming(null);
          update.clearError();
        }}
      >
        <p>{update.error?.message}</p>
      </ConfirmDialog>
    </form>
  );
}
