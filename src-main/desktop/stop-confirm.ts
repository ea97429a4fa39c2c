import { stopWhileJobsWords } from '../contract/index.js';
import type { DialogLike } from './key-dialogs.js';

export type MessageBoxLike = Pick<DialogLike, 'showMessageBox'>;

/**
 * The tray's Stop while jobs run asks first, with the window's words (contract/stop-words.ts).
 * Resolves true when Stop may go ahead: no job runs, or the operator chose "Stop node".
 */
export async function confirmStop(
  dialog: MessageBoxLike,
  inFlight: number,
  drainMs: number,
): Promise<boolean> {
  if (inFlight <= 0) return true;
  const words = stopWhileJobsWords(inFlight, drainMs);
  const { response } = await dialog.showMessageBox({
    type: 'warning',
    title: words.title,
    message: words.title,
    detail: words.body,
    buttons: [words.confirm, words.cancel],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
  });
  return response === 0;
}
