// @vitest-environment happy-dom
// Settings → When to pause: each trigger's switch and value reach the settings command; the
// desktop-only triggers are hidden on a headless node; a trigger that cannot work says why.
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PauseTriggersDto, SettingsDto } from '../../../src-main/contract/index.js';
import { SettingsPage } from '../../../src-renderer/src/pages/SettingsPage.js';
import { describeWindow } from '../../../src-renderer/src/pages/settings/ScheduleWindows.js';
import { parseWhole } from '../../../src-renderer/src/pages/settings/WhenToPause.js';
import { setBridge } from '../../../src-renderer/src/stores/bridge-ref.js';
import { applySnapshot } from '../../../src-renderer/src/stores/wire-stores.js';
import { FakeBridge, snapshot } from './fake-bridge.js';
import { resetAllStores } from './reset-stores.js';
import { mount, unmountAll } from './mount.js';

const section = (page: Element) => page.querySelector('[data-testid="when-to-pause"]')!;
/** The switch whose label reads `label`. */
function toggle(page: Element, label: string): HTMLInputElement {
  const l = [...section(page).querySelectorAll('label')].find((x) => x.textContent === label);
  if (!l) throw new Error(`no switch "${label}"`);
  return page.querySelector(`#${CSS.escape(l.htmlFor)}`) as HTMLInputElement;
}
async function act0(fn: () => void) {
  await act(async () => {
    fn();
    await new Promise((r) => setTimeout(r, 0));
  });
}
async function typeAndLeave(input: HTMLInputElement, value: string) {
  await act0(() => {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    setter.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await act0(() => input.dispatchEvent(new FocusEvent('focusout', { bubbles: true })));
}

/** A bridge that saves what it is sent, like the node's updateSettings. */
function settingsBridge(start: SettingsDto) {
  let current = start;
  const bridge = new FakeBridge().handle('updateSettings', (patch) => {
    current = { ...current, ...(patch as Partial<SettingsDto>) };
    return current;
  });
  setBridge(bridge);
  const sent = () =>
    bridge.calls
      .filter((c) => c.command === 'updateSettings')
      .map((c) => (c.arg as { pauseWhen: PauseTriggersDto }).pauseWhen);
  return { bridge, sent };
}

beforeEach(() => resetAllStores({ schedule: () => undefined }));
afterEach(async () => {
  await unmountAll();
  resetAllStores();
});

describe('Settings → When to pause', () => {
  it('desktop: a switch reaches the settings command with the whole pauseWhen, applied at once', async () => {
    const snap = snapshot({ host: 'desktop' });
    applySnapshot(snap);
    const { sent } = settingsBridge(snap.settings);
    const page = await mount(<SettingsPage />);
    expect(section(page).textContent).toContain('A full-screen application is in front');
    await act0(() => toggle(page, 'You are using the computer').click());
    expect(sent()).toEqual([
      { ...snap.settings.pauseWhen, userActive: { enabled: true, idleMinutes: 5 } },
    ]);
    // Its delay appears, and a new value is sent when the field is left.
    const minutes = page.querySelector<HTMLInputElement>('#idle-minutes')!;
    await typeAndLeave(minutes, '12');
    expect(sent().at(-1)?.userActive).toEqual({ enabled: true, idleMinutes: 12 });
    // A wrong value is explained and not sent.
    await typeAndLeave(minutes, '0');
    expect(page.textContent).toContain('Use a whole number of minutes from 1 to 240.');
    expect(sent()).toHaveLength(2);
    await act0(() => toggle(page, 'A full-screen application is in front').click());
    expect(sent().at(-1)?.fullscreen).toBe(true);
  });

  it('schedule: turning it on shows the hours; adding hours sends a window', async () => {
    const snap = snapshot({ host: 'headless' });
    applySnapshot(snap);
    const { sent } = settingsBridge(snap.settings);
    const page = await mount(<SettingsPage />);
    await act0(() => toggle(page, 'On a schedule').click());
    expect(sent().at(-1)?.schedule).toEqual({ enabled: true, windows: [] });
    const add = [...page.querySelectorAll('button')].find((b) => b.textContent === 'Add hours')!;
    await act0(() => add.click());
    expect(sent().at(-1)?.schedule).toEqual({
      enabled: true,
      windows: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }],
    });
    // Unticking Monday sends the window without it.
    const monday = page.querySelector<HTMLInputElement>('input[aria-label="Monday"]')!;
    await act0(() => monday.click());
    expect(sent().at(-1)?.schedule.windows[0]?.days).toEqual([2, 3, 4, 5]);
    // The hours: an overnight window, and a half-typed (empty) time sends nothing.
    const setTime = (label: string, value: string) =>
      act0(() => {
        const input = page.querySelector<HTMLInputElement>(`input[aria-label="${label}"]`)!;
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(
          input,
          value,
        );
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
    await setTime('From', '22:00');
    await setTime('To', '07:00');
    expect(sent().at(-1)?.schedule.windows[0]).toEqual({
      days: [2, 3, 4, 5],
      from: '22:00',
      to: '07:00',
    });
    const count = sent().length;
    await setTime('To', '');
    expect(sent()).toHaveLength(count);
  });

  it('headless: the desktop-only triggers are not offered, and the page says why', async () => {
    const snap = snapshot({ host: 'headless' });
    applySnapshot(snap);
    settingsBridge(snap.settings);
    const page = await mount(<SettingsPage />);
    expect(section(page).textContent).not.toContain('A full-screen application is in front');
    expect(section(page).textContent).not.toContain('You are using the computer');
    expect(page.querySelector('[data-testid="desktop-triggers-note"]')?.textContent).toMatch(
      /belongs to the desktop app/,
    );
    expect(section(page).textContent).toContain('Another program uses the GPU');
  });

  it('a trigger that cannot work on this machine says why under its switch', async () => {
    const base = snapshot({ host: 'desktop' });
    applySnapshot({
      ...base,
      node: {
        ...base.node,
        pause: {
          phase: 'serving',
          headline: null,
          requests: [],
          since: null,
          runtimeStoppedAt: null,
          vramFreedAfterMs: null,
          handedBack: 0,
          unavailable: [{ source: 'fullscreen', reason: 'xprop is not installed.' }],
        },
      },
    });
    settingsBridge(base.settings);
    const page = await mount(<SettingsPage />);
    expect(page.querySelector('[data-testid="unavailable-fullscreen"]')?.textContent).toBe(
      'Not working here: xprop is not installed.',
    );
  });

  it('a refused change shows the node’s reason', async () => {
    const snap = snapshot({ host: 'desktop' });
    applySnapshot(snap);
    const bridge = new FakeBridge().handle('updateSettings', () => {
      throw new Error('A schedule window needs at least one day.');
    });
    setBridge(bridge);
    const page = await mount(<SettingsPage />);
    await act0(() => toggle(page, 'On a schedule').click());
    expect(page.textContent).toContain('A schedule window needs at least one day.');
  });

  it('words: windows and numbers', () => {
    expect(describeWindow({ days: [5, 1], from: '22:00', to: '07:00' })).toBe(
      'Mon, Fri 22:00 → 07:00 (next day)',
    );
    expect(describeWindow({ days: [0], from: '09:00', to: '17:00' })).toBe('Sun 09:00 → 17:00');
    expect(parseWhole('83', 50, 100, '°C')).toEqual({ ok: true, value: 83 });
    expect(parseWhole('83.5', 50, 100, '°C')).toMatchObject({ ok: false });
  });
});
