// @vitest-environment happy-dom
// Issue 17 item 4: where the driver's power limit needs administrator rights the node shows the
// command (Linux sudo, Windows administrator terminal) under Settings → When to pause → power cap,
// instead of running it.
import { act } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsPage } from '../../../src-renderer/src/pages/SettingsPage.js';
import {
  PowerLimitCommand,
  powerLimitCommands,
} from '../../../src-renderer/src/pages/settings/PowerLimitCommand.js';
import { setBridge } from '../../../src-renderer/src/stores/bridge-ref.js';
import { applySnapshot } from '../../../src-renderer/src/stores/wire-stores.js';
import { FakeBridge, snapshot } from './fake-bridge.js';
import { resetAllStores } from './reset-stores.js';
import { mount, unmountAll } from './mount.js';

beforeEach(() => resetAllStores({ schedule: () => undefined }));
afterEach(async () => {
  await unmountAll();
  resetAllStores();
});

describe('PowerLimitCommand', () => {
  it('shows the nvidia-smi -pl command for the cap, for Linux (sudo) and Windows (administrator)', async () => {
    expect(powerLimitCommands(287.6)).toEqual({
      linux: 'sudo nvidia-smi -pl 288',
      windows: 'nvidia-smi -pl 288',
    });
    const el = await mount(<PowerLimitCommand capW={300} />);
    const codes = [...el.querySelectorAll('code')].map((c) => c.textContent);
    expect(codes).toEqual(['sudo nvidia-smi -pl 300', 'nvidia-smi -pl 300']);
    expect(el.textContent).toMatch(/Run as administrator/);
    expect(el.textContent).toMatch(/does not change your GPU driver's power limit/);
    expect(el.querySelectorAll('button')).toHaveLength(2);
  });

  it('shows nothing without a cap', async () => {
    expect((await mount(<PowerLimitCommand capW={null} />)).textContent).toBe('');
  });

  it('is on the Settings page under the power cap once one is set', async () => {
    applySnapshot(snapshot({ host: 'headless' }));
    setBridge(new FakeBridge());
    const page = await mount(<SettingsPage />);
    expect(page.querySelector('[data-testid="when-to-pause"]')).not.toBeNull();
    expect(page.querySelector('[data-testid="power-limit-command"]')).toBeNull();
    const snap = snapshot({ host: 'headless' });
    snap.settings.pauseWhen = { ...snap.settings.pauseWhen, power: { enabled: true, capW: 250 } };
    await act(async () => applySnapshot(snap));
    const hint = page.querySelector(
      '[data-testid="when-to-pause"] [data-testid="power-limit-command"]',
    );
    expect(hint?.textContent).toContain('sudo nvidia-smi -pl 250');
  });
});
