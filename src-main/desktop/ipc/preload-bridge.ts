import type {
  CommandName,
  CommandReply,
  EventName,
  Events,
  PreloadBridge,
} from '../../contract/index.js';
import { fromReply } from '../../contract/errors.js';
import type { IpcRendererLike } from '../electron-like.js';
import { SAFE_NAME, commandChannel, eventChannel } from './channels.js';

type RawListener = (event: unknown, ...args: unknown[]) => void;

/**
 * The object the preload exposes: invoke (rebuilds errors), invokeReply (the reply as a value)
 * and on (returns its own cleanup). The Electron event object never reaches the page.
 */
export function createPreloadBridge(ipcRenderer: IpcRendererLike): PreloadBridge {
  const invokeReply = async <C extends CommandName>(command: C, arg: unknown) => {
    if (typeof command !== 'string' || !SAFE_NAME.test(command)) {
      return { error: { name: 'InvalidCommandError', message: 'Unknown command.' } };
    }
    return (await ipcRenderer.invoke(commandChannel(command), arg)) as CommandReply<never>;
  };
  return {
    invokeReply: invokeReply as PreloadBridge['invokeReply'],
    invoke: (async (command: CommandName, arg: unknown) =>
      fromReply(await invokeReply(command, arg))) as PreloadBridge['invoke'],
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      if (typeof event !== 'string' || !SAFE_NAME.test(event) || typeof listener !== 'function') {
        return () => undefined;
      }
      const channel = eventChannel(event);
      const wrapped: RawListener = (_event, payload) => listener(payload as Events[E]);
      ipcRenderer.on(channel, wrapped);
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        ipcRenderer.removeListener(channel, wrapped);
      };
    },
  };
}
