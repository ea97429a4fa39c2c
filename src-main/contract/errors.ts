// Errors cross every UI boundary (Electron IPC, headless WebSocket) as values and are rebuilt as
// real Errors on the UI side. No runtime imports: the preload and the renderer bundle this file.
import type { CommandReply, NodeBridge, PreloadBridge, WireErrorValue } from './api.js';

/** An error rebuilt on the UI side from a `WireErrorValue`; keeps the original name and code. */
export class BridgeError extends Error {
  readonly code: string | undefined;
  constructor(value: WireErrorValue) {
    super(value.message);
    this.name = value.name;
    this.code = value.code;
  }
}

const MAX_MESSAGE = 4_000;

/** Any thrown value → a plain, serialisable error value (name, message, optional string code). */
export function toWireError(err: unknown): WireErrorValue {
  if (err instanceof Error) {
    const raw = (err as { code?: unknown }).code;
    const code = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : undefined;
    const value: WireErrorValue = {
      name: err.name || 'Error',
      message: (err.message || 'Something went wrong, with no further detail.').slice(
        0,
        MAX_MESSAGE,
      ),
    };
    if (code !== undefined) value.code = code;
    return value;
  }
  return { name: 'Error', message: String(err).slice(0, MAX_MESSAGE) };
}

/** Runs a command handler and returns its outcome as a value: never throws. */
export async function toReply<T>(fn: () => T | Promise<T>): Promise<CommandReply<T>> {
  try {
    return { result: await fn() };
  } catch (err) {
    return { error: toWireError(err) };
  }
}

/** True when a value has the shape of an error reply. */
export function isErrorReply<T>(reply: CommandReply<T>): reply is { error: WireErrorValue } {
  return typeof reply === 'object' && reply !== null && 'error' in reply;
}

/** Unwraps a reply on the UI side: the result, or throws the rebuilt `BridgeError`. */
export function fromReply<T>(reply: CommandReply<T>): T {
  if (isErrorReply(reply)) throw new BridgeError(reply.error);
  return reply.result;
}

/**
 * A `NodeBridge` over the preload global that keeps error `name` and `code` (they do not
 * survive Electron's contextBridge inside a rejected promise, a reply value does).
 */
export function bridgeFromPreload(raw: PreloadBridge): NodeBridge {
  return {
    invoke: async (command, arg) => fromReply(await raw.invokeReply(command, arg)),
    on: (event, listener) => raw.on(event, listener),
  };
}
