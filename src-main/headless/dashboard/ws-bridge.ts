import type { RawData, WebSocket } from 'ws';
import type { CommandName, EventName, Events } from '../../contract/index.js';
import { toReply } from '../../contract/errors.js';
import { WS_CLOSE } from '../../contract/ws-frames.js';
import type { Logger } from '../../core/logger.js';
import { InvalidCommandError, isCommandName } from '../../service/command-args.js';
import type { EventListener } from '../../service/event-hub.js';
import type { Disposable } from '../../service/host-api.js';
import { AuthFrameSchema, CommandFrameSchema, encodeFrame, parseJsonFrame } from './frames.js';
import { tokensEqual } from './token.js';

/** What the bridge needs from the UI service. */
export interface BridgeService {
  invoke<C extends CommandName>(command: C, arg: unknown): Promise<unknown>;
  subscribe(listener: EventListener): Disposable;
}

export interface BridgeOptions {
  service: BridgeService;
  token: string;
  logger: Logger;
  authTimeoutMs: number;
  /** A client this far behind on reading is cut off rather than buffered without bound. */
  maxBufferedBytes: number;
  /**
   * Called when the token checks out; false (the authenticated-client limit is reached) closes
   * the socket instead. Unauthenticated sockets never count against that limit.
   */
  admit?: () => boolean;
  /** The socket is authenticated or closed: it no longer waits for its token. */
  settled?: () => void;
}

/** One WebSocket client: waits for the token, then runs commands and receives every event. */
export function serveBridgeClient(socket: WebSocket, opts: BridgeOptions): void {
  let authed = false;
  let subscription: Disposable | null = null;

  const send = (text: string) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > opts.maxBufferedBytes) {
      opts.logger.warn(
        'A dashboard client stopped reading; it was disconnected (it will reconnect).',
      );
      socket.terminate();
      return;
    }
    socket.send(text);
  };

  const authTimer = setTimeout(
    () => socket.close(WS_CLOSE.authTimeout, 'no token'),
    opts.authTimeoutMs,
  );

  const onEvent: EventListener = <E extends EventName>(event: E, payload: Events[E]) =>
    send(encodeFrame({ event, payload }));

  socket.on('message', (data: RawData, isBinary: boolean) => {
    const frame = isBinary ? null : parseJsonFrame(data);
    if (!authed) {
      const auth = AuthFrameSchema.safeParse(frame);
      if (!auth.success || !tokensEqual(opts.token, auth.data.auth)) {
        clearTimeout(authTimer);
        socket.close(WS_CLOSE.unauthorized, 'unauthorized');
        return;
      }
      clearTimeout(authTimer);
      opts.settled?.();
      if (opts.admit && !opts.admit()) {
        socket.close(WS_CLOSE.tooManyClients, 'too many dashboards are open: close one');
        return;
      }
      authed = true;
      subscription = opts.service.subscribe(onEvent);
      send(encodeFrame({ ready: true, host: 'headless' }));
      return;
    }
    const parsed = CommandFrameSchema.safeParse(frame);
    if (!parsed.success) {
      socket.close(WS_CLOSE.badFrame, 'bad frame');
      return;
    }
    const { id, command, arg } = parsed.data;
    void toReply(() => {
      if (!isCommandName(command)) throw new InvalidCommandError(`Unknown command "${command}".`);
      return opts.service.invoke(command, arg);
    }).then((reply) => send(encodeFrame({ id, ...reply })));
  });

  socket.on('close', () => {
    clearTimeout(authTimer);
    opts.settled?.();
    subscription?.dispose();
    subscription = null;
  });
  socket.on('error', (err) => {
    opts.logger.debug('Dashboard client socket error.', { error: err.message });
  });
}
