import type { RunFn, RunResult } from '../runtime/gpu/gpu-probe.js';
import type { FullscreenProbe, FullscreenReading } from './fullscreen-probe.js';

const TIMEOUT_MS = 2_000;

export const NO_XPROP =
  'xprop is not installed, so the node cannot see full-screen applications. Install it ' +
  '(Debian/Ubuntu: sudo apt install x11-utils; Fedora: sudo dnf install xprop) and turn the ' +
  'setting off and on again.';
export const NO_DISPLAY =
  'There is no X display (DISPLAY is not set), so the node cannot see which window is in front.';
export const WAYLAND_ONLY =
  'This Wayland session has no X display, so the node cannot see which window is in front ' +
  '(Wayland keeps other apps’ windows private).';
export const NO_EWMH =
  'The window manager does not say which window is active (_NET_ACTIVE_WINDOW), so the node ' +
  'cannot see full-screen applications.';

/**
 * `_NET_ACTIVE_WINDOW(WINDOW): window id # 0x2600004` → "0x2600004". "not found." (no window
 * active yet) and id 0x0 → none; "no such atom on any window" → no EWMH window manager runs.
 */
export function parseActiveWindow(stdout: string): string | 'none' | 'unsupported' {
  if (/no such atom/.test(stdout)) return 'unsupported';
  if (/not found/.test(stdout)) return 'none';
  const m = /_NET_ACTIVE_WINDOW\([A-Z]+\)(?::\s*window id #|\s*=)\s*(0x[0-9a-f]+|\d+)/i.exec(
    stdout,
  );
  if (!m?.[1]) return 'unsupported';
  const id = m[1].startsWith('0x') ? m[1] : `0x${Number(m[1]).toString(16)}`;
  return /^0x0+$/.test(id) ? 'none' : id;
}

/** The active window's `_NET_WM_STATE`, `_NET_WM_PID` and `WM_CLASS` lines → a reading. */
export function parseWindowState(stdout: string): FullscreenReading {
  const state = /^_NET_WM_STATE\(ATOM\) = (.*)$/m.exec(stdout)?.[1] ?? '';
  if (!state.split(/,\s*/).includes('_NET_WM_STATE_FULLSCREEN')) return { kind: 'windowed' };
  const pid = /^_NET_WM_PID\(CARDINAL\) = (\d+)$/m.exec(stdout)?.[1];
  // WM_CLASS = "instance", "Class": the class names the application.
  const cls = /^WM_CLASS\(STRING\) = (.*)$/m.exec(stdout)?.[1];
  const names = cls ? [...cls.matchAll(/"([^"]*)"/g)].map((x) => x[1] ?? '') : [];
  return {
    kind: 'fullscreen',
    pid: pid ? Number(pid) : null,
    app: names[names.length - 1] || null,
  };
}

function failure(r: RunResult): FullscreenReading {
  if (r.error?.code === 'ENOENT') return { kind: 'unavailable', reason: NO_XPROP };
  const text = `${r.stderr} ${r.error?.message ?? ''}`.trim();
  if (/unable to open display/.test(text)) {
    return {
      kind: 'unavailable',
      reason: 'The node cannot open the X display, so it cannot see which window is in front.',
    };
  }
  return { kind: 'failed', reason: text || `xprop exited with code ${r.exitCode ?? '?'}` };
}

/**
 * Linux/X11: the window manager's active window (`xprop -root _NET_ACTIVE_WINDOW`) and whether
 * it carries `_NET_WM_STATE_FULLSCREEN`. Two short child processes per look, each with a timeout.
 */
export function xpropFullscreenProbe(
  run: RunFn,
  env: Readonly<Record<string, string | undefined>>,
): FullscreenProbe {
  return {
    pollMs: 3_000,
    read: async () => {
      if (!env.DISPLAY) {
        return { kind: 'unavailable', reason: env.WAYLAND_DISPLAY ? WAYLAND_ONLY : NO_DISPLAY };
      }
      const root = await run('xprop', ['-root', '_NET_ACTIVE_WINDOW'], TIMEOUT_MS);
      if (root.exitCode !== 0) return failure(root);
      const id = parseActiveWindow(root.stdout);
      if (id === 'unsupported') return { kind: 'unavailable', reason: NO_EWMH };
      if (id === 'none') return { kind: 'windowed' };
      const win = await run(
        'xprop',
        ['-id', id, '_NET_WM_STATE', '_NET_WM_PID', 'WM_CLASS'],
        TIMEOUT_MS,
      );
      // The window may have closed between the two looks: the next look decides.
      if (win.exitCode !== 0) return failure(win);
      return parseWindowState(win.stdout);
    },
  };
}
