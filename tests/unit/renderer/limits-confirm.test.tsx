// @vitest-environment happy-dom
// Settings → resource limits while jobs run: the service refuses a change that restarts the
// runtime (code confirm_restart); the page asks "Restart the runtime now?" and, confirmed, sends
// the same limits again with confirmRestart. Cancel sends nothing more.
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BridgeError } from '../../../src-main/contract/errors.js';
import type { SettingsDto } from '../../../src-main/contract/index.js';
import { ResourceLimits } from '../../../src-renderer/src/pages/settings/ResourceLimits.js';
import { setBridge } from '../../../src-renderer/src/stores/bridge-ref.js';
import { FakeBridge, snapshot } from './fake-bridge.js';
import { resetAllStores } from './reset-stores.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const mounted: Root[] = [];
beforeEach(() => resetAllStores({ schedule: () => undefined }));
afterEach(async () => {
  for (const root of mounted.splice(0)) await act(async () => root.unmount());
  document.body.replaceChildren();
  resetAllStores();
});

async function type(input: HTMLInputElement, value: string) {
  await act(async () => {
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    setter.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
async function click(el: HTMLElement) {
  await act(async () => {
    el.click();
    await new Promise((r) => setTimeout(r, 0));
  });
}
const button = (root: Element, label: string) =>
  [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === label)!;

const REFUSAL =
  '2 jobs are running. These limits restart the runtime, which ends the running jobs with an error (the network can give them to another node). Save again to confirm, or wait until the jobs are done.';

/** A service that refuses the first save (jobs running) and takes a confirmed one. */
function limitsBridge(settings: SettingsDto) {
  const bridge = new FakeBridge().handle('updateSettings', (arg) => {
    const { confirmRestart, ...patch } = arg;
    if (!confirmRestart)
      throw new BridgeError({
        name: 'RestartNeedsConfirmationError',
        code: 'confirm_restart',
        message: REFUSAL,
      });
    return { ...settings, ...patch };
  });
  setBridge(bridge);
  return bridge;
}

async function mountLimits(settings: SettingsDto) {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  mounted.push(root);
  await act(async () => root.render(<ResourceLimits settings={settings} />));
  return container;
}

describe('resource limits under running jobs', () => {
  it('asks before restarting the runtime and, confirmed, saves with confirmRestart', async () => {
    const settings = snapshot().settings;
    const bridge = limitsBridge(settings);
    const page = await mountLimits(settings);
    await type(page.querySelector<HTMLInputElement>('#max-jobs')!, '4');
    await click(button(page, 'Save limits'));

    const dialog = page.querySelector('dialog')!;
    expect(dialog.open).toBe(true);
    expect(dialog.querySelector('h2')!.textContent).toBe('Restart the runtime now?');
    expect(dialog.textContent).toContain('2 jobs are running');
    expect(page.textContent).not.toContain('Saved.');
    expect(bridge.calls).toEqual([
      {
        command: 'updateSettings',
        arg: { maxConcurrentJobs: 4, gpuMemoryHeadroomMb: settings.gpuMemoryHeadroomMb },
      },
    ]);

    await click(button(dialog, 'Save and restart'));
    expect(bridge.calls[1]).toEqual({
      command: 'updateSettings',
      arg: {
        maxConcurrentJobs: 4,
        gpuMemoryHeadroomMb: settings.gpuMemoryHeadroomMb,
        confirmRestart: true,
      },
    });
    expect(dialog.open).toBe(false);
    expect(page.querySelector('[role="status"]')!.textContent).toMatch(/^Saved\./);
  });

  it('Cancel keeps the old limits: nothing else is sent and no error is left on the page', async () => {
    const settings = snapshot().settings;
    const bridge = limitsBridge(settings);
    const page = await mountLimits(settings);
    await type(page.querySelector<HTMLInputElement>('#headroom')!, '4096');
    await click(button(page, 'Save limits'));
    const dialog = page.querySelector('dialog')!;
    expect(dialog.open).toBe(true);

    await click(button(dialog, 'Cancel'));
    expect(dialog.open).toBe(false);
    expect(bridge.calls).toHaveLength(1);
    expect(page.querySelector('[role="alert"]')).toBeNull();
    expect(page.textContent).not.toContain('Saved.');
  });
});
