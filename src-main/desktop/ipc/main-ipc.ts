import type {
  CommandName,
  CommandReply,
  CommandResult,
  EventName,
  Events,
} from '../../contract/index.js';
import { toReply } from '../../contract/errors.js';
import { toDisposable, type Disposable } from '../../service/host-api.js';
import type { IpcMainInvokeEventLike, IpcMainLike, WebContentsLike } from '../electron-like.js';
import { commandChannel, eventChannel } from './channels.js';

/** Decides whether an IPC call comes from our own page (not an injected frame or other URL). */
export type SenderCheck = (frameUrl: string | null) => boolean;

class UntrustedSenderError extends Error {
  override readonly name = 'UntrustedSenderError';
  readonly code = 'untrusted_sender';
}

/**
 * Registers one command over `ipcMain.handle`. The handler's outcome crosses as a value
 * (`{result}` or `{error}`), never as a thrown IPC error (Podman Desktop's ipcHandle).
 */
export function handle<C extends CommandName>(
  ipcMain: IpcMainLike,
  command: C,
  fn: (arg: unknown) => Promise<CommandResult<C>>,
  isTrusted: SenderCheck,
): void {
  ipcMain.handle(
    commandChannel(command),
    (event: IpcMainInvokeEventLike, arg: unknown): Promise<CommandReply<CommandResult<C>>> =>
      toReply(() => {
        if (!isTrusted(event.senderFrame?.url ?? null)) {
          throw new UntrustedSenderError('This request did not come from the Resultity dashboard.');
        }
        return fn(arg);
      }),
  );
}

/** What the IPC layer needs from the UI service. */
export interface CommandRunner {
  invoke<C extends CommandName>(command: C, arg: unknown): Promise<CommandResult<C>>;
}

/** Registers every command; disposing the result removes them all. */
export function registerCommands(
  ipcMain: IpcMainLike,
  service: CommandRunner,
  commands: readonly CommandName[],
  isTrusted: SenderCheck,
): Disposable {
  for (const command of commands) {
    handle(ipcMain, command, (arg) => service.invoke(command, arg), isTrusted);
  }
  return toDisposable(() => commands.forEach((c) => ipcMain.removeHandler(commandChannel(c))));
}

/** Pushes one event to a window; a closed window is skipped silently. */
export function pushEvent<E extends EventName>(
  contents: WebContentsLike | null | undefined,
  event: E,
  payload: Events[E],
): void {
  if (!contents || contents.isDestroyed()) return;
  contents.send(eventChannel(event), payload);
}

/** Accepts only frames showing our own index.html (file URL, ignoring the #route). */
export function sameFileSender(indexFileUrl: string): SenderCheck {
  return (frameUrl) => {
    if (!frameUrl) return false;
    try {
      const url = new URL(frameUrl);
      const expected = new URL(indexFileUrl);
      return (
        url.protocol === expected.protocol &&
        url.pathname === expected.pathname &&
        url.host === expected.host
      );
    } catch {
      return false;
    }
  };
}
