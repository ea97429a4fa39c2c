/** How long the desktop's Stop (and Quit) lets running jobs finish before it stops anyway. */
export const DESKTOP_DRAIN_TIMEOUT_MS = 60_000;

export interface StopConfirmWords {
  title: string;
  body: string;
  confirm: string;
  cancel: string;
}

/**
 * What the desktop asks before Stop while jobs run, the same words in the window (Overview) and
 * from the tray, so both say what Stop does and point to Pause.
 */
export function stopWhileJobsWords(
  inFlight: number,
  drainMs = DESKTOP_DRAIN_TIMEOUT_MS,
): StopConfirmWords {
  return {
    title: 'Stop the node while jobs run?',
    body:
      `${inFlight} job(s) are running. Stopping lets them finish (up to ${Math.round(drainMs / 1000)} s), ` +
      'then the node takes no more jobs until you start it. To free the GPU for a while, Pause instead.',
    confirm: 'Stop node',
    cancel: 'Keep running',
  };
}
