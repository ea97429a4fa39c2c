import { describe, expect, it } from 'vitest';
import { isNewerVersion } from '../../../src-main/core/config/version-compare.js';
import type { VerifiedSnapshot } from '../../../src-main/core/protocol/index.js';
import { HEADLESS_AGENT_UPDATE, UpdatesView } from '../../../src-main/service/updates-view.js';
import { UpdaterLink } from '../../../src-main/desktop/updater/updater-link.js';
import type { UpdateStatus } from '../../../src-main/desktop/updater/types.js';
import { defaultSnapshot } from '../../../src-main/devnet/io/default-snapshot.js';

describe('isNewerVersion (semver precedence)', () => {
  it.each([
    ['0.2.0', '0.1.0', true],
    ['0.1.1', '0.1.0', true],
    ['1.0.0', '0.9.9', true],
    ['0.10.0', '0.9.0', true],
    ['v0.2.0', '0.1.0', true],
    ['0.1.0', '0.1.0', false],
    ['0.1.0+build.7', '0.1.0', false],
    ['0.0.9', '0.1.0', false],
    ['0.1.0', '0.1.0-rc.1', true],
    ['0.1.0-rc.2', '0.1.0-rc.1', true],
    ['0.1.0-rc.10', '0.1.0-rc.9', true],
    ['0.1.0-beta', '0.1.0-alpha', true],
    ['0.1.0-alpha.1', '0.1.0-alpha', true],
    ['0.1.0-alpha', '0.1.0-1', true],
    ['0.1.0-rc.1', '0.1.0', false],
    ['', '0.1.0', false],
    ['latest', '0.1.0', false],
    ['1.2', '0.1.0', false],
    ['01.2.3', '0.1.0', false],
    ['0.2.0', 'not-a-version', false],
  ])('%s newer than %s: %s', (candidate, current, newer) => {
    expect(isNewerVersion(candidate, current)).toBe(newer);
  });
});

const config = (
  version: string,
  report: null | { state: 'rolled_back'; error: string } = null,
) => ({
  snapshot: () =>
    ({
      snapshot: defaultSnapshot('local', {
        updates: {
          agent: { version },
          runtime: { image_digest: `sha256:${'0'.repeat(64)}` },
        },
      }),
    }) as VerifiedSnapshot,
  runtimeUpdates: {
    report: () => (report ? { digest: `sha256:${'b'.repeat(64)}`, since: 1, ...report } : null),
  },
});

describe('UpdatesView', () => {
  it('names a newer agent version once to the host, with how this copy gets it', () => {
    const told: string[] = [];
    const view = new UpdatesView('0.1.0', {
      ...HEADLESS_AGENT_UPDATE,
      onAvailable: (v) => told.push(v),
    });
    const dto = view.view(config('0.2.0'));
    expect(dto.agent).toMatchObject({ current: '0.1.0', available: '0.2.0' });
    expect(dto.agent.howTo).toMatch(/does not update itself: install 0\.2\.0/);
    view.view(config('0.2.0'));
    expect(told).toEqual(['0.2.0']);
    expect(view.view(config('0.1.0')).agent).toEqual({
      current: '0.1.0',
      available: null,
      howTo: '',
    });
    expect(dto.runtime).toBeNull();
  });

  it('words the runtime image change plainly, with the reason', () => {
    const dto = new UpdatesView('0.1.0', HEADLESS_AGENT_UPDATE).view(
      config('0.1.0', {
        state: 'rolled_back',
        error: 'the test inference on the new image failed: HTTP 500',
      }),
    );
    expect(dto.runtime?.text).toMatch(
      /failed its test, so the node went back to the previous image and keeps serving/,
    );
    expect(dto.runtime?.error).toMatch(/HTTP 500/);
  });
});

describe('UpdaterLink (desktop)', () => {
  const status = (state: UpdateStatus['state'], message: string): UpdateStatus => ({
    state,
    currentVersion: '0.1.0',
    availableVersion: null,
    progressPercent: null,
    message,
    lastCheckedAt: null,
    nextCheckAt: null,
  });

  it('asks the updater to check when a newer version is named, also one named before it started', async () => {
    const link = new UpdaterLink();
    link.onAvailable('0.2.0');
    let checks = 0;
    const updater = {
      status: status('idle', 'Automatic updates are on.'),
      checkNow: async () => (checks++, updater.status),
    };
    link.attach(updater);
    expect(checks).toBe(1);
    link.onAvailable('0.3.0');
    expect(checks).toBe(2);
    expect(link.howTo('0.3.0')).toMatch(
      /downloads it in the background and installs it when you quit/,
    );
  });

  it('says plainly when this copy cannot update itself (no update signing key)', () => {
    const link = new UpdaterLink();
    const reason =
      'This build has no update signing key, so it cannot check that an update comes from Resultity and does not update itself: install new versions from the release page.';
    link.attach({
      status: status('unavailable', reason),
      checkNow: async () => status('unavailable', reason),
    });
    expect(link.howTo('0.2.0')).toBe(`This copy does not update itself. ${reason}`);
  });
});
