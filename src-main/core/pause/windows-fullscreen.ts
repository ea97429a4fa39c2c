import type { RunFn } from '../runtime/gpu/gpu-probe.js';
import type { FullscreenProbe, FullscreenReading } from './fullscreen-probe.js';

/** PowerShell starts slowly (about a second): a look every 10 s keeps its CPU cost small. */
const POLL_MS = 10_000;
const TIMEOUT_MS = 8_000;

/**
 * Asks the Windows shell its notification state (SHQueryUserNotificationState): the state it uses
 * to hold back notifications while a game or a full-screen app runs. Prints one number.
 */
export const QUERY_SCRIPT =
  "$t=Add-Type -Name Q -Namespace ResultityFullscreen -PassThru -MemberDefinition '" +
  '[DllImport("shell32.dll")] public static extern int SHQueryUserNotificationState(out int s);' +
  "';$s=0;[void]$t::SHQueryUserNotificationState([ref]$s);$s";

/** QUNS_BUSY (2: a full-screen app) and QUNS_RUNNING_D3D_FULL_SCREEN (3: a full-screen game). */
const FULLSCREEN_STATES = new Set([2, 3]);

export const NO_POWERSHELL =
  'Windows PowerShell was not found, so the node cannot see full-screen applications.';

/** The script's output ("3\r\n") → a reading. */
export function parseNotificationState(stdout: string): FullscreenReading {
  const state = Number(stdout.trim());
  if (!/^\d+$/.test(stdout.trim())) {
    return { kind: 'failed', reason: `Unexpected answer from Windows: "${stdout.trim()}"` };
  }
  return FULLSCREEN_STATES.has(state)
    ? { kind: 'fullscreen', pid: null, app: null }
    : { kind: 'windowed' };
}

/** Windows: one hidden PowerShell per look, with a timeout; the answer comes from the shell. */
export function windowsFullscreenProbe(run: RunFn): FullscreenProbe {
  return {
    pollMs: POLL_MS,
    read: async () => {
      const r = await run(
        'powershell.exe',
        ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', QUERY_SCRIPT],
        TIMEOUT_MS,
      );
      if (r.error?.code === 'ENOENT') return { kind: 'unavailable', reason: NO_POWERSHELL };
      if (r.exitCode !== 0) {
        const why = (r.stderr || r.error?.message || `exit code ${r.exitCode ?? '?'}`).trim();
        return { kind: 'failed', reason: why };
      }
      return parseNotificationState(r.stdout);
    },
  };
}
