import { useEffect, useState } from 'react';
import type {
  PauseSourceName,
  PauseTriggersDto,
  SettingsDto,
} from '../../../../src-main/contract/index.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { Toggle } from '../../components/Toggle.js';
import { useAction } from '../../components/use-action.js';
import { useConnectionStore } from '../../stores/connection-store.js';
import { useNodeStore } from '../../stores/node-store.js';
import { useSettingsStore } from '../../stores/settings-store.js';
import { PowerLimitCommand } from './PowerLimitCommand.js';
import { ScheduleWindows } from './ScheduleWindows.js';

/** A whole number in [min, max], or the sentence that says what to type. */
export function parseWhole(
  text: string,
  min: number,
  max: number,
  unit: string,
): { ok: true; value: number } | { ok: false; message: string } {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    return { ok: false, message: `Use a whole number of ${unit} from ${min} to ${max}.` };
  }
  return { ok: true, value: n };
}

/** A number that is sent when you leave the field or press Enter (if it is valid). */
function NumberSetting(props: {
  id: string;
  label: string;
  unit: string;
  min: number;
  max: number;
  value: number | null;
  disabled: boolean;
  onCommit: (value: number) => void;
}) {
  const [text, setText] = useState(props.value === null ? '' : String(props.value));
  const [problem, setProblem] = useState<string | null>(null);
  // A change from elsewhere (another dashboard, the tray) shows here too.
  useEffect(() => setText(props.value === null ? '' : String(props.value)), [props.value]);
  const commit = () => {
    const r = parseWhole(text, props.min, props.max, props.unit);
    setProblem(r.ok ? null : r.message);
    if (r.ok && r.value !== props.value) props.onCommit(r.value);
  };
  return (
    <div className="field pause-number">
      <label className="field-label" htmlFor={props.id}>
        {props.label}
      </label>
      <input
        id={props.id}
        type="number"
        min={props.min}
        max={props.max}
        inputMode="numeric"
        value={text}
        disabled={props.disabled}
        aria-invalid={problem ? true : undefined}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      {problem ? (
        <p className="field-error" role="alert">
          {problem}
        </p>
      ) : null}
    </div>
  );
}

/** Why a trigger cannot work on this machine (from the node), shown under its switch. */
function Unavailable({ source }: { source: PauseSourceName }) {
  const reason = useNodeStore(
    (s) => s.node?.pause?.unavailable?.find((u) => u.source === source)?.reason ?? null,
  );
  return reason ? (
    <p className="pause-note" data-testid={`unavailable-${source}`}>
      Not working here: {reason}
    </p>
  ) : null;
}

/**
 * Settings → When to pause: each automatic trigger on or off, with its value. A change is sent
 * at once; the node applies it live (a trigger turned off lets the node resume).
 */
export function WhenToPause({ settings }: { settings: SettingsDto }) {
  const headless = useConnectionStore((s) => s.host === 'headless');
  const update = useAction(useSettingsStore.getState().update);
  const p = settings.pauseWhen;
  const set = (patch: Partial<PauseTriggersDto>) =>
    void update.run({ pauseWhen: { ...p, ...patch } });
  const busy = update.pending;
  return (
    <div className="form" data-testid="when-to-pause">
      <p className="field-help">
        The node stops taking jobs, lets running ones finish for a few seconds, and frees the GPU.
        It resumes on its own when the reason ends.
      </p>
      <Toggle
        label="Another program uses the GPU"
        description={
          'Pauses while another program computes on the GPU (a renderer, a local AI model); resumes about 20 seconds after it closes.' +
          (headless ? '' : ' Games that only draw are covered by the full-screen switch.')
        }
        checked={p.otherGpuWork}
        disabled={busy}
        onChange={(v) => set({ otherGpuWork: v })}
      />
      <Unavailable source="foreign-gpu-process" />
      {headless ? (
        <p className="field-help" data-testid="desktop-triggers-note">
          Pausing for a full-screen application or while you use the keyboard and mouse belongs to
          the desktop app: a headless node has no screen to watch.
        </p>
      ) : (
        <>
          <Toggle
            label="A full-screen application is in front"
            description="Pauses while a game, film or presentation fills the screen; resumes about 15 seconds after it leaves full screen."
            checked={p.fullscreen}
            disabled={busy}
            onChange={(v) => set({ fullscreen: v })}
          />
          <Unavailable source="fullscreen" />
          <Toggle
            label="You are using the computer"
            description="Pauses as soon as you use the keyboard or mouse; resumes after the minutes below without input."
            checked={p.userActive.enabled}
            disabled={busy}
            onChange={(v) => set({ userActive: { ...p.userActive, enabled: v } })}
          />
          <Unavailable source="user-active" />
          {p.userActive.enabled ? (
            <NumberSetting
              id="idle-minutes"
              label="Resume after this many minutes without input"
              unit="minutes"
              min={1}
              max={240}
              value={p.userActive.idleMinutes}
              disabled={busy}
              onCommit={(idleMinutes) => set({ userActive: { ...p.userActive, idleMinutes } })}
            />
          ) : null}
        </>
      )}
      <Toggle
        label="On a schedule"
        description="Pauses during the hours below (this computer's local time); resumes when they end."
        checked={p.schedule.enabled}
        disabled={busy}
        onChange={(v) => set({ schedule: { ...p.schedule, enabled: v } })}
      />
      {p.schedule.enabled ? (
        <ScheduleWindows
          windows={p.schedule.windows}
          disabled={busy}
          onChange={(windows) => set({ schedule: { ...p.schedule, windows } })}
        />
      ) : null}
      <Toggle
        label="The GPU gets too hot"
        description="Above this temperature the node first takes fewer jobs at once, then pauses; it resumes once the GPU has cooled."
        checked={p.thermal.enabled}
        disabled={busy}
        onChange={(v) => set({ thermal: { ...p.thermal, enabled: v } })}
      />
      <Unavailable source="thermal" />
      {p.thermal.enabled ? (
        <NumberSetting
          id="max-temp"
          label="Temperature ceiling (°C)"
          unit="°C"
          min={50}
          max={100}
          value={p.thermal.maxTempC}
          disabled={busy}
          onCommit={(maxTempC) => set({ thermal: { ...p.thermal, maxTempC } })}
        />
      ) : null}
      <Toggle
        label="The GPU draws too much power"
        description="Above this many watts the node first takes fewer jobs at once, then pauses; it resumes once the draw is lower."
        checked={p.power.enabled}
        disabled={busy || p.power.capW === null}
        onChange={(v) => set({ power: { ...p.power, enabled: v } })}
      />
      <Unavailable source="power" />
      <NumberSetting
        id="power-cap"
        label={
          p.power.capW === null ? 'Power cap (W) — enter one to turn this on' : 'Power cap (W)'
        }
        unit="watts"
        min={30}
        max={2000}
        value={p.power.capW}
        disabled={busy}
        onCommit={(capW) =>
          set({ power: { enabled: p.power.enabled || p.power.capW === null, capW } })
        }
      />
      <PowerLimitCommand capW={p.power.capW} />
      {update.error ? <ErrorNotice title="The setting was not saved" error={update.error} /> : null}
    </div>
  );
}
