// The full-screen trigger and its platform probes. The xprop outputs below were recorded from
// Debian 12's xprop (x11-utils) against Xvfb with matchbox-window-manager: no window yet, an
// xmessage window (WM_CLASS "steam_app_570") normal and then full screen (wmctrl -b add,fullscreen),
// a window id that no longer exists, no display, and an X server without a window manager.
import { describe, expect, it } from 'vitest';
import type { RunFn, RunResult } from '../../../src-main/core/runtime/gpu/gpu-probe.js';
import { PauseController } from '../../../src-main/core/pause/pause-controller.js';
import {
  FULLSCREEN_RESUME_AFTER_MS,
  FullscreenTrigger,
} from '../../../src-main/core/pause/fullscreen-trigger.js';
import {
  MAC_FULLSCREEN_REASON,
  platformFullscreenProbe,
  type FullscreenProbe,
  type FullscreenReading,
} from '../../../src-main/core/pause/fullscreen-probe.js';
import {
  NO_DISPLAY,
  NO_EWMH,
  NO_XPROP,
  WAYLAND_ONLY,
  parseActiveWindow,
  parseWindowState,
} from '../../../src-main/core/pause/xprop-fullscreen.js';
import { parseNotificationState } from '../../../src-main/core/pause/windows-fullscreen.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const REC = {
  rootNoWindow: '_NET_ACTIVE_WINDOW:  not found.\n',
  rootNoWm: '_NET_ACTIVE_WINDOW:  no such atom on any window.\n',
  rootActive: '_NET_ACTIVE_WINDOW(WINDOW): window id # 0x400030\n',
  windowNormal:
    '_NET_WM_STATE(ATOM) = \n_NET_WM_PID:  not found.\nWM_CLASS(STRING) = "steam_app_570", "Xmessage"\n',
  windowFullscreen:
    '_NET_WM_STATE(ATOM) = _NET_WM_STATE_FULLSCREEN\n_NET_WM_PID:  not found.\n' +
    'WM_CLASS(STRING) = "steam_app_570", "Xmessage"\n',
  // Same format from a window that names its process (xprop prints CARDINAL values as decimals).
  windowFullscreenPid:
    '_NET_WM_STATE(ATOM) = _NET_WM_STATE_FULLSCREEN, _NET_WM_STATE_FOCUSED\n' +
    '_NET_WM_PID(CARDINAL) = 4242\nWM_CLASS(STRING) = "resultity-node", "Resultity Node"\n',
  badWindowStderr:
    'X Error of failed request:  BadWindow (invalid Window parameter)\n' +
    '  Major opcode of failed request:  20 (X_GetProperty)\n',
  noDisplayStderr: "xprop:  unable to open display ':99'\n",
};

const ok = (stdout: string): RunResult => ({ exitCode: 0, stdout, stderr: '' });

/** A RunFn that answers `xprop -root …` and `xprop -id …` from the current scene. */
function xprop(scene: { root: RunResult; window?: RunResult }) {
  const calls: string[][] = [];
  const run: RunFn = async (file, args) => {
    calls.push([file, ...args]);
    return args[0] === '-root' ? scene.root : (scene.window ?? ok(''));
  };
  return { run, calls, scene };
}

describe('xprop parsing (recorded outputs)', () => {
  it('finds the active window, none, or no EWMH window manager', () => {
    expect(parseActiveWindow(REC.rootActive)).toBe('0x400030');
    expect(parseActiveWindow(REC.rootNoWindow)).toBe('none');
    expect(parseActiveWindow('_NET_ACTIVE_WINDOW(WINDOW): window id # 0x0\n')).toBe('none');
    expect(parseActiveWindow(REC.rootNoWm)).toBe('unsupported');
  });

  it('reads full screen, the process and the application class', () => {
    expect(parseWindowState(REC.windowNormal)).toEqual({ kind: 'windowed' });
    expect(parseWindowState(REC.windowFullscreen)).toEqual({
      kind: 'fullscreen',
      pid: null,
      app: 'Xmessage',
    });
    expect(parseWindowState(REC.windowFullscreenPid)).toEqual({
      kind: 'fullscreen',
      pid: 4242,
      app: 'Resultity Node',
    });
  });
});

describe('the X11 probe', () => {
  const env = { DISPLAY: ':0' };
  const probe = (scene: Parameters<typeof xprop>[0], e: Record<string, string> = env) => {
    const x = xprop(scene);
    return { ...x, probe: platformFullscreenProbe({ platform: 'linux', run: x.run, env: e }) };
  };

  it('asks the root window, then the active window, each with a timeout', async () => {
    const p = probe({ root: ok(REC.rootActive), window: ok(REC.windowFullscreen) });
    expect(await p.probe.read()).toEqual({ kind: 'fullscreen', pid: null, app: 'Xmessage' });
    expect(p.calls).toEqual([
      ['xprop', '-root', '_NET_ACTIVE_WINDOW'],
      ['xprop', '-id', '0x400030', '_NET_WM_STATE', '_NET_WM_PID', 'WM_CLASS'],
    ]);
    const none = probe({ root: ok(REC.rootNoWindow) });
    expect(await none.probe.read()).toEqual({ kind: 'windowed' });
    expect(none.calls).toHaveLength(1);
  });

  it('says plainly why it cannot work: no xprop, no display, Wayland only, no window manager', async () => {
    const missing = probe({
      root: {
        exitCode: null,
        stdout: '',
        stderr: '',
        error: { code: 'ENOENT', message: 'spawn xprop ENOENT' },
      },
    });
    expect(await missing.probe.read()).toEqual({ kind: 'unavailable', reason: NO_XPROP });
    expect(NO_XPROP).toMatch(/apt install x11-utils/);
    expect(await probe({ root: ok('') }, {}).probe.read()).toEqual({
      kind: 'unavailable',
      reason: NO_DISPLAY,
    });
    expect(await probe({ root: ok('') }, { WAYLAND_DISPLAY: 'wayland-0' }).probe.read()).toEqual({
      kind: 'unavailable',
      reason: WAYLAND_ONLY,
    });
    expect(await probe({ root: ok(REC.rootNoWm) }).probe.read()).toEqual({
      kind: 'unavailable',
      reason: NO_EWMH,
    });
    const noDisplay = probe({ root: { exitCode: 1, stdout: '', stderr: REC.noDisplayStderr } });
    expect(await noDisplay.probe.read()).toMatchObject({ kind: 'unavailable' });
  });

  it('a window that closed between the two looks is a failed look, not a verdict', async () => {
    const p = probe({
      root: ok(REC.rootActive),
      window: { exitCode: 1, stdout: '_NET_WM_STATE', stderr: REC.badWindowStderr },
    });
    expect(await p.probe.read()).toMatchObject({ kind: 'failed', reason: /BadWindow/ });
  });
});

describe('the Windows and macOS probes', () => {
  it('Windows: the shell notification state 2 or 3 is full screen', async () => {
    expect(parseNotificationState('3\r\n')).toMatchObject({ kind: 'fullscreen' });
    expect(parseNotificationState('2\r\n')).toMatchObject({ kind: 'fullscreen' });
    expect(parseNotificationState('5\r\n')).toEqual({ kind: 'windowed' });
    expect(parseNotificationState('oops')).toMatchObject({ kind: 'failed' });
    const calls: string[][] = [];
    const probe = platformFullscreenProbe({
      platform: 'win32',
      env: {},
      run: async (file, args) => {
        calls.push([file, ...args]);
        return ok('3\r\n');
      },
    });
    expect(await probe.read()).toMatchObject({ kind: 'fullscreen' });
    expect(calls[0]?.[0]).toBe('powershell.exe');
    expect(calls[0]?.at(-1)).toContain('SHQueryUserNotificationState');
  });

  it('macOS: unavailable, with the reason', async () => {
    const probe = platformFullscreenProbe({ platform: 'darwin', env: {}, run: async () => ok('') });
    expect(await probe.read()).toEqual({ kind: 'unavailable', reason: MAC_FULLSCREEN_REASON });
  });
});

/** A probe whose answers the test scripts; each look resolves on the next microtasks. */
function scripted(first: FullscreenReading) {
  let next = first;
  let looks = 0;
  const probe: FullscreenProbe = {
    pollMs: 3_000,
    read: async () => {
      looks += 1;
      return next;
    },
  };
  return {
    probe,
    set: (r: FullscreenReading) => (next = r),
    looks: () => looks,
  };
}

function setup(first: FullscreenReading) {
  const clock = new ManualClock();
  const pauses = new PauseController(clock);
  const s = scripted(first);
  const unavailable: (string | null)[] = [];
  const trigger = new FullscreenTrigger({
    clock,
    pauses,
    probe: s.probe,
    ownPid: 777,
    onAvailability: (_src, reason) => unavailable.push(reason),
  });
  const tick = async (ms: number) => {
    clock.advance(ms);
    await new Promise((r) => setImmediate(r)); // the look's promise settles
  };
  return { clock, pauses, s, trigger, unavailable, tick };
}

describe('FullscreenTrigger', () => {
  const game: FullscreenReading = { kind: 'fullscreen', pid: 4242, app: 'steam_app_570' };

  it('pauses while a game is full screen, resumes a while after it leaves full screen', async () => {
    const { pauses, s, trigger, tick, clock } = setup({ kind: 'windowed' });
    trigger.configure(true);
    await tick(0);
    expect(pauses.state().paused).toBe(false);
    s.set(game);
    await tick(3_000);
    expect(pauses.state().requests).toMatchObject([
      {
        source: 'fullscreen',
        reason: 'a full-screen application (steam_app_570) is in front',
        resumes: 'resumes when it leaves full screen',
      },
    ]);
    // Alt+Tab out for 6 s and back: no resume.
    s.set({ kind: 'windowed' });
    await tick(6_000);
    s.set(game);
    await tick(3_000);
    expect(pauses.state().paused).toBe(true);
    s.set({ kind: 'windowed' });
    // The first look sees it windowed; 15 s of windowed looks later the node resumes.
    for (let t = 0; t < FULLSCREEN_RESUME_AFTER_MS; t += 3_000) await tick(3_000);
    expect(pauses.state().paused).toBe(true);
    await tick(3_000);
    expect(pauses.state().paused).toBe(false);
    trigger.dispose();
    expect(clock.pending).toBe(0);
  });

  it("the app's own full-screen window does not pause the node", async () => {
    const { pauses, trigger, tick } = setup({
      kind: 'fullscreen',
      pid: 777,
      app: 'Resultity Node',
    });
    trigger.configure(true);
    await tick(0);
    await tick(3_000);
    expect(pauses.state().paused).toBe(false);
    trigger.dispose();
  });

  it('unavailable: reported once, nothing paused, no more looks until turned off and on', async () => {
    const { pauses, s, trigger, tick, unavailable, clock } = setup({
      kind: 'unavailable',
      reason: NO_XPROP,
    });
    trigger.configure(true);
    await tick(0);
    expect(unavailable).toEqual([NO_XPROP]);
    await tick(60_000);
    expect(s.looks()).toBe(1);
    expect(clock.pending).toBe(0);
    expect(pauses.state().paused).toBe(false);
    s.set(game);
    trigger.configure(false);
    trigger.configure(true);
    await tick(0);
    expect(unavailable.at(-1)).toBeNull();
    expect(pauses.isRequested('fullscreen')).toBe(true);
    trigger.dispose();
  });

  it('a failed look keeps the last answer; turning it off releases at once and ignores a late look', async () => {
    const { pauses, s, trigger, tick } = setup(game);
    trigger.configure(true);
    await tick(0);
    expect(pauses.state().paused).toBe(true);
    s.set({ kind: 'failed', reason: 'timed out' });
    await tick(30_000);
    expect(pauses.state().paused).toBe(true);
    s.set(game);
    trigger.configure(false);
    expect(pauses.state().paused).toBe(false);
    await tick(3_000);
    expect(pauses.state().paused).toBe(false);
    trigger.dispose();
  });
});
