import type {
  CommandArg,
  CommandName,
  CommandResult,
  EventName,
  Events,
  NodeBridge,
} from '../../../src-main/contract/index.js';
import { BridgeError, fromReply } from '../../../src-main/contract/errors.js';
import type { ClientFrame, ServerFrame } from '../../../src-main/contract/ws-frames.js';
import { WS_CLOSE } from '../../../src-main/contract/ws-frames.js';
import { backoffDelay } from '../lib/backoff.js';
import type { ConnectionSource, ConnectionStatus } from './connection-status.js';

export interface WsBridgeOptions {
  url: string;
  token: string;
  /** The browser's WebSocket; tests pass Node's (same API). */
  WebSocketImpl?: typeof WebSocket;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  random?: () => number;
  /** Replies slower than this fail with a plain error instead of hanging the UI. */
  commandTimeoutMs?: number;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: unknown;
}

const NOT_CONNECTED =
  "Can't reach the node service right now, so nothing was sent. Try again once the connection is back.";

/** The headless dashboard's bridge: the contract over one WebSocket, reconnecting with backoff. */
export class WsBridge implements NodeBridge, ConnectionSource {
  readonly #o: Required<WsBridgeOptions>;
  readonly #listeners = new Map<EventName, Set<(payload: never) => void>>();
  readonly #statusListeners = new Set<(s: ConnectionStatus) => void>();
  readonly #pending = new Map<number, Pending>();
  #socket: WebSocket | null = null;
  #ready = false;
  #nextId = 1;
  #attempt = 0;
  #retryTimer: unknown = null;
  #closed = false;
  #status: ConnectionStatus = { kind: 'connecting' };

  constructor(options: WsBridgeOptions) {
    this.#o = {
      WebSocketImpl: globalThis.WebSocket,
      now: () => Date.now(),
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      random: Math.random,
      commandTimeoutMs: 60_000,
      ...options,
    };
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  connect(): this {
    this.#open();
    return this;
  }

  /** Closes for good (page unload, tests). */
  close(): void {
    this.#closed = true;
    if (this.#retryTimer !== null) this.#o.clearTimer(this.#retryTimer);
    this.#socket?.close(1000);
    this.#failPending('The dashboard closed its connection to the node service.');
  }

  onStatus(listener: (s: ConnectionStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  invoke<C extends CommandName>(command: C, arg: CommandArg<C>): Promise<CommandResult<C>> {
    const socket = this.#socket;
    if (!socket || !this.#ready) {
      return Promise.reject(new BridgeError({ name: 'NotConnected', message: NOT_CONNECTED }));
    }
    const id = this.#nextId++;
    return new Promise<CommandResult<C>>((resolve, reject) => {
      const timer = this.#o.setTimer(() => {
        this.#pending.delete(id);
        reject(
          new BridgeError({
            name: 'Timeout',
            message: `The node service did not answer "${command}" within ${Math.round(this.#o.commandTimeoutMs / 1000)} s. It may be busy; try again.`,
          }),
        );
      }, this.#o.commandTimeoutMs);
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      const frame: ClientFrame = arg === undefined ? { id, command } : { id, command, arg };
      socket.send(JSON.stringify(frame));
    });
  }

  #setStatus(status: ConnectionStatus): void {
    this.#status = status;
    for (const l of this.#statusListeners) l(status);
  }

  #open(): void {
    if (this.#closed) return;
    const socket = new this.#o.WebSocketImpl(this.#o.url);
    this.#socket = socket;
    this.#ready = false;
    socket.onopen = () =>
      socket.send(JSON.stringify({ auth: this.#o.token } satisfies ClientFrame));
    socket.onmessage = (ev) => this.#onFrame(ev.data);
    socket.onclose = (ev) => this.#onClose(socket, ev.code, ev.reason);
    // 'error' is always followed by 'close'; the close handler does the work.
    socket.onerror = () => undefined;
  }

  #onFrame(data: unknown): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(String(data)) as ServerFrame;
    } catch {
      return;
    }
    if ('ready' in frame) {
      this.#ready = true;
      this.#attempt = 0;
      this.#setStatus({ kind: 'connected' });
    } else if ('id' in frame) {
      const p = this.#pending.get(frame.id);
      if (!p) return;
      this.#pending.delete(frame.id);
      this.#o.clearTimer(p.timer);
      try {
        p.resolve(fromReply(frame));
      } catch (err) {
        p.reject(err as Error);
      }
    } else if ('event' in frame) {
      const set = this.#listeners.get(frame.event);
      if (set) for (const l of set) (l as (p: unknown) => void)(frame.payload);
    }
  }

  #onClose(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.#socket) return;
    this.#socket = null;
    this.#ready = false;
    this.#failPending(NOT_CONNECTED);
    if (this.#closed) return;
    if (code === WS_CLOSE.unauthorized) {
      this.#setStatus({
        kind: 'unauthorized',
        reason:
          'The node service refused this page: its access token is missing or out of date. ' +
          'Open the dashboard link printed by the node again (it carries a fresh token).',
      });
      return;
    }
    const delay = backoffDelay(this.#attempt, this.#o.random);
    this.#attempt += 1;
    this.#setStatus({
      kind: 'reconnecting',
      attempt: this.#attempt,
      retryAt: this.#o.now() + delay,
      reason: reason || (code === WS_CLOSE.goingAway ? 'The node service is restarting.' : ''),
    });
    this.#retryTimer = this.#o.setTimer(() => {
      this.#retryTimer = null;
      this.#open();
    }, delay);
  }

  #failPending(message: string): void {
    for (const [id, p] of this.#pending) {
      this.#o.clearTimer(p.timer);
      p.reject(new BridgeError({ name: 'NotConnected', message }));
      this.#pending.delete(id);
    }
  }
}
