import type { RunFn } from '../runtime/gpu/gpu-probe.js';
import { xpropFullscreenProbe } from './xprop-fullscreen.js';
import { windowsFullscreenProbe } from './windows-fullscreen.js';

/** What is in front of the operator, as one look at the screen tells it. */
export type FullscreenReading =
  | { kind: 'fullscreen'; pid: number | null; app: string | null }
  | { kind: 'windowed' }
  /** This machine cannot tell (no tool, no display): the trigger stops asking. */
  | { kind: 'unavailable'; reason: string }
  /** This look failed (a timeout, a window that closed meanwhile): the next one may not. */
  | { kind: 'failed'; reason: string };

/** Answers "is an application full screen in front?" without blocking (a child process). */
export interface FullscreenProbe {
  /** How often to look: each look may spawn a process. */
  readonly pollMs: number;
  read(): Promise<FullscreenReading>;
}

export const MAC_FULLSCREEN_REASON =
  'Not available on macOS: the app has no honest way to see whether another application is ' +
  'full screen there.';

/** The probe for this platform (Linux/X11: xprop; Windows: the shell's notification state). */
export function platformFullscreenProbe(o: {
  platform: NodeJS.Platform;
  run: RunFn;
  env: Readonly<Record<string, string | undefined>>;
}): FullscreenProbe {
  if (o.platform === 'win32') return windowsFullscreenProbe(o.run);
  if (o.platform === 'darwin') return unavailableProbe(MAC_FULLSCREEN_REASON);
  return xpropFullscreenProbe(o.run, o.env);
}

export function unavailableProbe(reason: string): FullscreenProbe {
  return { pollMs: 60_000, read: async () => ({ kind: 'unavailable', reason }) };
}
