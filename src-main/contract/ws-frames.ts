// Frames of the headless dashboard's WebSocket bridge (the same contract as the Electron IPC).
// The server validates every frame it receives with zod; these types are the agreement.
import type { CommandName, EventName, Events, WireErrorValue } from './api.js';

/** Path of the bridge on the dashboard server (same origin as the page). */
export const WS_BRIDGE_PATH = '/bridge';

/**
 * The page gets its token from the URL fragment (`http://127.0.0.1:PORT/#token=…`, never sent to
 * the server in a request line, so never in a log) and sends it as the FIRST frame. Any other
 * frame before `auth`, or a wrong token, closes the socket with `WS_CLOSE.unauthorized`.
 */
export interface AuthFrame {
  auth: string;
}

/** Sent once after a good `auth` frame; commands may be sent from then on. */
export interface ReadyFrame {
  ready: true;
  host: 'headless';
}

/** Client → server: one command. `id` is chosen by the client, unique per connection. */
export interface CommandFrame<C extends CommandName = CommandName> {
  id: number;
  command: C;
  /** Omitted for commands whose argument is `void`. */
  arg?: unknown;
}

/** Server → client: the reply to the command with the same `id`. */
export type ReplyFrame = { id: number; result: unknown } | { id: number; error: WireErrorValue };

/** Server → client: a pushed event (every authenticated client gets every event). */
export interface EventFrame<E extends EventName = EventName> {
  event: E;
  payload: Events[E];
}

export type ClientFrame = AuthFrame | CommandFrame;
export type ServerFrame = ReadyFrame | ReplyFrame | EventFrame;

/** Close codes the server uses (4000–4999 are free for applications). */
export const WS_CLOSE = {
  /** Missing or wrong token, or a command sent before `auth`. Do not retry with the same token. */
  unauthorized: 4401,
  /** No `auth` frame within the server's deadline (a few seconds). */
  authTimeout: 4408,
  /** A frame that is not JSON or does not match the types above. */
  badFrame: 4400,
  /** The server is shutting down. Reconnect with backoff. */
  goingAway: 1001,
  /** As many dashboards are open as the server allows; close one and reconnect. */
  tooManyClients: 4429,
} as const;

/** Largest frame the server accepts from a client, in bytes. */
export const WS_MAX_CLIENT_FRAME = 64 * 1024;
