// The pause triggers' settings: their shape, each host's defaults, older files and bad values.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PauseTriggersDto } from '../../../src-main/contract/index.js';
import {
  DESKTOP_PAUSE_WHEN,
  HEADLESS_PAUSE_WHEN,
  PauseTriggersSchema,
  defaultPauseWhen,
} from '../../../src-main/service/pause-triggers-settings.js';
import {
  JsonFileSettingsStore,
  SettingsPatchSchema,
  defaultSettings,
} from '../../../src-main/service/settings-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pause-settings-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const valid = (): PauseTriggersDto => ({
  ...defaultPauseWhen('desktop'),
  schedule: { enabled: true, windows: [{ days: [1, 2, 3, 4, 5], from: '22:00', to: '07:00' }] },
  power: { enabled: true, capW: 250 },
});

describe('pause trigger defaults', () => {
  it('desktop: other GPU work, full screen and heat on; idle, schedule and power off', () => {
    expect(defaultSettings('/d', 'desktop').pauseWhen).toEqual({
      otherGpuWork: true,
      fullscreen: true,
      userActive: { enabled: false, idleMinutes: 5 },
      schedule: { enabled: false, windows: [] },
      thermal: { enabled: true, maxTempC: 83 },
      power: { enabled: false, capW: null },
    });
  });

  it('headless: every trigger off', () => {
    const p = defaultSettings('/d', 'headless').pauseWhen;
    expect([
      p.otherGpuWork,
      p.fullscreen,
      p.userActive.enabled,
      p.schedule.enabled,
      p.thermal.enabled,
      p.power.enabled,
    ]).toEqual([false, false, false, false, false, false]);
  });

  it('hands out copies: changing one leaves the defaults alone', () => {
    const p = defaultPauseWhen('desktop');
    p.schedule.windows.push({ days: [0], from: '01:00', to: '02:00' });
    p.userActive.idleMinutes = 9;
    expect(DESKTOP_PAUSE_WHEN.schedule.windows).toEqual([]);
    expect(defaultPauseWhen('desktop').userActive.idleMinutes).toBe(5);
    expect(HEADLESS_PAUSE_WHEN.schedule.windows).toEqual([]);
  });
});

describe('PauseTriggersSchema', () => {
  it('takes a full set, an overnight window included', () => {
    expect(PauseTriggersSchema.parse(valid())).toEqual(valid());
  });

  it.each([
    ['a time that is not HH:MM', { from: '7:00' }, /HH:MM/],
    ['24:00', { to: '24:00' }, /HH:MM/],
    ['no day', { days: [] }, /at least one day/],
    ['day 7', { days: [7] }, /0 \(Sunday\) to 6 \(Saturday\)/],
    ['a day twice', { days: [1, 1] }, /twice/],
    ['an empty window', { from: '08:00', to: '08:00' }, /different start and end/],
  ])('refuses a schedule window with %s', (_what, change, message) => {
    const p = valid();
    p.schedule.windows[0] = { ...p.schedule.windows[0]!, ...change };
    const r = PauseTriggersSchema.safeParse(p);
    expect(r.success).toBe(false);
    expect(r.error?.message).toMatch(message);
  });

  it('refuses a power cap turned on without watts, and values out of range', () => {
    const noWatts = { ...valid(), power: { enabled: true, capW: null } };
    expect(PauseTriggersSchema.safeParse(noWatts).error?.message).toMatch(/number of watts/);
    const off = { ...valid(), power: { enabled: false, capW: null } };
    expect(PauseTriggersSchema.safeParse(off).success).toBe(true);
    const hot = { ...valid(), thermal: { enabled: true, maxTempC: 130 } };
    expect(PauseTriggersSchema.safeParse(hot).success).toBe(false);
    const idle = { ...valid(), userActive: { enabled: true, idleMinutes: 0 } };
    expect(PauseTriggersSchema.safeParse(idle).success).toBe(false);
    expect(PauseTriggersSchema.safeParse({ ...valid(), extra: true }).success).toBe(false);
  });

  it('is what a UI may send as a settings change', () => {
    expect(SettingsPatchSchema.safeParse({ pauseWhen: valid() }).success).toBe(true);
    const bad = { pauseWhen: { ...valid(), thermal: { enabled: true } } };
    expect(SettingsPatchSchema.safeParse(bad).success).toBe(false);
  });
});

describe('settings files and the pause triggers', () => {
  it('an older file without pauseWhen loads with the host defaults', async () => {
    const path = join(dir, 'settings.json');
    await writeFile(path, JSON.stringify({ theme: 'dark', keepAwake: true }));
    const store = new JsonFileSettingsStore(path, defaultSettings(dir, 'desktop'));
    const loaded = await store.load();
    expect(loaded.theme).toBe('dark');
    expect(loaded.pauseWhen).toEqual(DESKTOP_PAUSE_WHEN);
    expect(store.lastProblem).toBeNull();
  });

  it('a trigger missing from a stored pauseWhen takes its default; the others are kept', async () => {
    const path = join(dir, 'settings.json');
    const { power: _power, ...stored } = { ...valid(), fullscreen: false };
    await writeFile(path, JSON.stringify({ pauseWhen: stored }));
    const loaded = await new JsonFileSettingsStore(path, defaultSettings(dir, 'desktop')).load();
    expect(loaded.pauseWhen).toEqual({ ...stored, power: DESKTOP_PAUSE_WHEN.power });
  });

  it('saves and loads the triggers back', async () => {
    const store = new JsonFileSettingsStore(join(dir, 's.json'), defaultSettings(dir, 'headless'));
    await store.save({ ...defaultSettings(dir, 'headless'), pauseWhen: valid() });
    expect((await store.load()).pauseWhen).toEqual(valid());
  });

  it('a broken trigger value falls back to defaults and says which field', async () => {
    const path = join(dir, 'settings.json');
    await writeFile(path, JSON.stringify({ pauseWhen: { thermal: { enabled: 'yes' } } }));
    const store = new JsonFileSettingsStore(path, defaultSettings(dir, 'headless'));
    expect((await store.load()).pauseWhen).toEqual(HEADLESS_PAUSE_WHEN);
    expect(store.lastProblem).toMatch(/pauseWhen/);
  });
});
