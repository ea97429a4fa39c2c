import { Emitter, warnListenerErrors, type Event } from '../base/event.js';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import type { Clock, TimerHandle } from '../clock.js';
import type { Logger } from '../logger.js';
import {
  MAX_FRAME_BYTES,
  NodeMessageBodies,
  decodeLinkFrame,
  describeIssues,
  signedFrame,
  type LinkMessage,
  type MessageSigner,
  type NetworkMessage,
  type NodeMessageBody,
  type NodeMessageType,
  type NodeStatus,
} from '../protocol/index.js';
import { Backoff } from './backoff.js';
import { describeClose, CLOSE_REPLACED, CLOSE_VERSION } from './close-codes.js';
import { SendQueue } from './send-queue.js';
import { SessionConflict } from './session-conflict.js';
import type { OperatorPause } from '../protocol/schemas/pause.js';

/** What `session_open` says about taking jobs (and an operator pause, when there is one). */
export interface SessionParams {
  accepting: boolean;
  max_concurrency: number;
  operator_pause?: OperatorPause;
}

export interface JobLinkOptions {
  /** WebSocket URL of the IO service, e.g. "wss://io.network.resultity.com/v1/ws". */
  url: string;
  signer: MessageSigner;
  clock: Clock;
  logger: Logger;
  agentVersion: string;
  /** The network's `server_time` from a challenge or ping, with its arrival (local clock). */
  onServerTime?: (serverTime: number, receivedAt: number) => void;
  /** What the session announces when it opens. */
  sessionParams: () => SessionParams;
  retry?: { baseMs: number; maxMs: number };
  /** A session that stays up this long resets the backoff. Default 30 s. */
  stablePeriodMs?: number;
  /** Transport ping period; a peer that misses one pong is dead. Default 15 s. */
  pingIntervalMs?: number;
  /** Time from TCP connect to session_ready. Default 10 s. */
  handshakeTimeoutMs?: number;
  maxQueuedFrames?: number;
  highWaterBytes?: number;
  random?: () => number;
}

export interface SessionInfo {
  sessionId: string;
  status: NodeStatus;
  configDigest: string;
}

export interface DisconnectInfo {
  code: number;
  /** Plain words: why the connection ended. */
  reason: string;
  willReconnect: boolean;
  retryInMs: number | null;
  /** The agent itself asked for this reconnect (not a fault). */
  requested: boolean;
}

export type JobLinkState = 'idle' | 'connecting' | 'opening' | 'ready' | 'stopped';

/**
 * Bodies built by the engine from typed values (job-result.ts, partial-sender.ts), carrying
 * whole outputs: the schema is skipped for them on the hot path; every other frame is checked.
 */
const TRUSTED_TYPES: ReadonlySet<NodeMessageType> = new Set(['job_partial', 'job_result']);

/** What the agent needs from the job link (fakes implement it in tests). */
export interface JobLinkApi {
  start(): void;
  stop(reason?: string): Promise<void>;
  /** Closes the current connection and connects again at once (e.g. after re-registering). */
  reconnect(): void;
  /** Closes the session (code 1000) and opens a new one after `ms` (the network's drain). */
  pause(ms: number, reason: string): void;
  send<T extends NodeMessageType>(type: T, body: NodeMessageBody<T>): boolean;
  setRetry(baseMs: number, maxMs: number): void;
  readonly state: JobLinkState;
  /** A session is authenticated and ready. */
  readonly onConnected: Event<SessionInfo>;
  /** The connection ended; says whether and when it reconnects. */
  readonly onDisconnected: Event<DisconnectInfo>;
  /** A network message arrived on an authenticated session. */
  readonly onMessage: Event<LinkMessage>;
}

/**
 * The one persistent WebSocket to the IO service: signed session opening, dead-peer detection,
 * reconnect with jittered backoff, backpressure on send. Incoming frames are decoded with the
 * protocol's schemas; a bad frame is logged and dropped, never thrown.
 */
export class JobLink implements JobLinkApi {
  private readonly connectedEvents: Emitter<SessionInfo>;
  private readonly disconnectedEvents: Emitter<DisconnectInfo>;
  private readonly messageEvents: Emitter<LinkMessage>;
  readonly onConnected: Event<SessionInfo>;
  readonly onDisconnected: Event<DisconnectInfo>;
  readonly onMessage: Event<LinkMessage>;
  private ws: WebSocket | null = null;
  /** The TCP socket under `ws`, to batch the frames of one event-loop turn (SendQueue). */
  private socket: Socket | null = null;
  private current: JobLinkState = 'idle';
  private readonly backoff: Backoff;
  /** Close 4409: the key's session went elsewhere; wait minutes (session-conflict.ts). */
  private readonly conflict: SessionConflict;
  private readonly queue: SendQueue;
  private readonly log: Logger;
  private pingTimer: TimerHandle | null = null;
  private handshakeTimer: TimerHandle | null = null;
  private reconnectTimer: TimerHandle | null = null;
  private alive = false;
  private immediate = false;
  /** Set by pause(): the next close reconnects after this long instead of the backoff. */
  private resumeInMs: number | null = null;
  private closeNote: string | null = null;
  private closed: Promise<void> = Promise.resolve();
  private session: SessionInfo | null = null;
  droppedFrames = 0;
  connects = 0;

  constructor(private readonly opts: JobLinkOptions) {
    this.log = opts.logger.child('link');
    const onListenerError = warnListenerErrors(this.log, 'job connection');
    this.connectedEvents = new Emitter({ onListenerError });
    this.disconnectedEvents = new Emitter({ onListenerError });
    this.messageEvents = new Emitter({ onListenerError });
    this.onConnected = this.connectedEvents.event;
    this.onDisconnected = this.disconnectedEvents.event;
    this.onMessage = this.messageEvents.event;
    this.backoff = new Backoff({
      baseMs: opts.retry?.baseMs ?? 500,
      maxMs: opts.retry?.maxMs ?? 30_000,
      stablePeriodMs: opts.stablePeriodMs ?? 30_000,
      clock: opts.clock,
      ...(opts.random ? { random: opts.random } : {}),
    });
    this.conflict = new SessionConflict(opts.clock, opts.random);
    this.queue = new SendQueue({
      clock: opts.clock,
      highWaterBytes: opts.highWaterBytes ?? 4 * MAX_FRAME_BYTES,
      maxFrames: opts.maxQueuedFrames ?? 1000,
    });
  }

  get state(): JobLinkState {
    return this.current;
  }

  get sessionInfo(): SessionInfo | null {
    return this.session;
  }

  get queuedFrames(): number {
    return this.queue.length;
  }

  start(): void {
    if (this.current !== 'idle') return;
    this.connect();
  }

  setRetry(baseMs: number, maxMs: number): void {
    this.backoff.configure(baseMs, maxMs);
  }

  reconnect(): void {
    if (this.current === 'stopped') return;
    // Reconnecting now would push the other machine's session off: keep waiting.
    if (!this.ws && this.conflict.holding()) return;
    this.backoff.reset();
    if (this.ws) {
      this.immediate = true;
      this.closeNote = 'reconnecting at the agent’s request';
      this.ws.terminate();
    } else {
      this.cancel('reconnect');
      this.connect();
    }
  }

  pause(ms: number, reason: string): void {
    if (this.current === 'stopped') return;
    this.resumeInMs = Math.max(0, ms);
    if (this.ws) {
      this.closeNote = reason;
      this.ws.close(1000, reason.slice(0, 120));
    } else {
      this.resumeInMs = null;
      if (this.conflict.holding()) return;
      this.cancel('reconnect');
      this.scheduleConnect(Math.max(0, ms));
    }
  }

  async stop(reason = 'the node is stopping'): Promise<void> {
    if (this.current === 'stopped') return this.closed;
    this.current = 'stopped';
    this.cancel('reconnect');
    if (this.ws) {
      const ws = this.ws;
      this.closeNote = reason;
      ws.close(1000, reason.slice(0, 120));
      const force = this.opts.clock.setTimeout(() => ws.terminate(), 2000);
      await this.closed;
      this.opts.clock.clearTimeout(force);
    }
  }

  send<T extends NodeMessageType>(type: T, body: NodeMessageBody<T>): boolean {
    if (this.current !== 'ready') return false;
    const check = TRUSTED_TYPES.has(type) ? null : NodeMessageBodies[type].safeParse(body);
    if (check && !check.success) {
      this.log.error(`Refused to send an invalid ${type} message: ${describeIssues(check.error)}`);
      return false;
    }
    const frame = signedFrame(this.opts.signer, type, body, this.opts.clock);
    // A UTF-16 unit is at most 3 UTF-8 bytes: most frames need no byte count.
    if (frame.length * 3 > MAX_FRAME_BYTES && Buffer.byteLength(frame) > MAX_FRAME_BYTES) {
      this.log.error(`A ${type} message is larger than the 1 MiB frame limit and was not sent.`);
      return false;
    }
    const queued = this.queue.push(type, frame);
    if (!queued) this.log.warn(`The send queue is full: a ${type} message was not sent.`);
    return queued;
  }

  private connect(): void {
    this.current = 'connecting';
    this.connects += 1;
    this.closeNote = null;
    const ws = new WebSocket(this.opts.url, {
      perMessageDeflate: false,
      maxPayload: MAX_FRAME_BYTES,
      handshakeTimeout: this.opts.handshakeTimeoutMs ?? 10_000,
    });
    this.ws = ws;
    let resolveClosed = () => {};
    this.closed = new Promise((resolve) => (resolveClosed = resolve));
    ws.on('upgrade', (res) => (this.socket = res.socket));
    ws.on('open', () => this.onOpen(ws));
    ws.on('message', (data: WebSocket.RawData) => this.onFrame(ws, data));
    ws.on('pong', () => (this.alive = true));
    ws.on('error', (err) => this.onError(ws, err));
    ws.on('close', (code, reason) => {
      try {
        this.onClose(ws, code, reason.toString());
      } finally {
        resolveClosed(); // stop() waits on this even if a listener threw
      }
    });
  }

  private onError(ws: WebSocket, err: Error & { code?: string }): void {
    if (ws !== this.ws) return;
    // ws refuses frames over maxPayload by failing the connection; say so in plain words.
    if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
      this.closeNote = 'the network sent a frame larger than the 1 MiB limit; it was refused';
      this.log.warn('Refused a frame larger than 1 MiB from the network; reconnecting.');
    } else if (err.code?.startsWith('WS_ERR_')) {
      this.closeNote = `the network broke the WebSocket protocol (${err.message})`;
    } else {
      this.log.debug(`WebSocket error: ${err.message}`);
    }
  }

  private onOpen(ws: WebSocket): void {
    if (ws !== this.ws) return;
    this.current = 'opening';
    this.alive = true;
    this.handshakeTimer = this.opts.clock.setTimeout(() => {
      this.closeNote = 'the network did not complete the session opening in time';
      ws.terminate();
    }, this.opts.handshakeTimeoutMs ?? 10_000);
    this.pingTimer = this.opts.clock.setInterval(() => {
      if (!this.alive) {
        this.closeNote = 'the network stopped answering pings (dead connection)';
        this.log.warn('No pong from the network: dropping the dead connection and reconnecting.');
        ws.terminate();
        return;
      }
      this.alive = false;
      ws.ping();
    }, this.opts.pingIntervalMs ?? 15_000);
  }

  private onFrame(ws: WebSocket, data: WebSocket.RawData): void {
    if (ws !== this.ws) return;
    this.alive = true;
    let msg: LinkMessage;
    try {
      msg = decodeLinkFrame(toBuffer(data));
    } catch (err) {
      this.droppedFrames += 1;
      this.log.warn(`Dropped a bad frame from the network: ${(err as Error).message}`);
      return;
    }
    if (msg.type === 'challenge' || msg.type === 'ping') {
      this.opts.onServerTime?.(msg.server_time, this.opts.clock.now());
    }
    if (msg.type === 'challenge') return this.openSession(ws, msg.challenge);
    if (msg.type === 'session_ready') return this.onReady(ws, msg);
    if (this.current !== 'ready') {
      // Only an authenticated session may control the node (a drain or a job before
      // session_ready could come from anyone who can reach the socket).
      if (msg.type === 'error') {
        this.log.warn(`The network refused the session: ${msg.code}: ${msg.message}`);
      } else {
        this.droppedFrames += 1;
        this.log.warn(`Ignored a ${msg.type} frame sent before the session was authenticated.`);
      }
      return;
    }
    if (msg.type === 'ping') this.send('pong', { ping_id: msg.ping_id });
    if (msg.type === 'error') this.log.warn(`The network reported ${msg.code}: ${msg.message}`);
    this.messageEvents.fire(msg);
  }

  private openSession(ws: WebSocket, challenge: string): void {
    if (this.current !== 'opening') {
      this.log.warn('Ignored an unexpected session challenge from the network.');
      return;
    }
    const params = this.opts.sessionParams();
    const body: NodeMessageBody<'session_open'> = {
      ...params,
      challenge,
      agent_version: this.opts.agentVersion,
    };
    ws.send(signedFrame(this.opts.signer, 'session_open', body, this.opts.clock));
  }

  private onReady(ws: WebSocket, msg: Extract<NetworkMessage, { type: 'session_ready' }>): void {
    if (this.current !== 'opening') return;
    this.cancel('handshake');
    this.current = 'ready';
    this.backoff.markConnected();
    this.conflict.connected();
    this.session = {
      sessionId: msg.session_id,
      status: msg.status,
      configDigest: msg.config_digest,
    };
    const socket = this.socket;
    this.queue.attach({
      get bufferedAmount() {
        return ws.bufferedAmount;
      },
      isOpen: () => ws.readyState === WebSocket.OPEN,
      write: (frame) => ws.send(frame),
      ...(socket ? { cork: () => socket.cork(), uncork: () => socket.uncork() } : {}),
    });
    this.log.info(`Job connection open (session ${msg.session_id}).`);
    this.connectedEvents.fire(this.session);
  }

  private onClose(ws: WebSocket, code: number, wireReason: string): void {
    if (ws !== this.ws) return;
    this.ws = null;
    this.session = null;
    this.cancel('handshake');
    this.cancel('ping');
    const lost = this.queue.detach();
    if (lost.size > 0) {
      const list = [...lost].map(([type, n]) => `${type} ×${n}`).join(', ');
      this.log.warn(
        `The connection dropped with messages still queued (${list}); unacknowledged results are re-sent from the journal after reconnecting.`,
      );
    }
    this.backoff.markDisconnected();
    this.conflict.disconnected();
    const reason = this.closeNote ?? describeClose(code, wireReason);
    const willReconnect = this.current !== 'stopped' && code !== CLOSE_VERSION;
    const paused = this.resumeInMs;
    // Replaced by the same key elsewhere (4409): minutes, whatever else was asked for.
    const replaced = willReconnect && code === CLOSE_REPLACED;
    const requested = !replaced && (this.immediate || paused !== null);
    const retryInMs = !willReconnect
      ? null
      : replaced
        ? this.conflict.replaced()
        : paused !== null
          ? paused
          : this.immediate
            ? 0
            : this.backoff.next();
    this.immediate = false;
    this.resumeInMs = null;
    if (this.current !== 'stopped') this.current = willReconnect ? 'connecting' : 'stopped';
    if (willReconnect && retryInMs !== null) this.scheduleConnect(retryInMs);
    this.disconnectedEvents.fire({ code, reason, willReconnect, retryInMs, requested });
  }

  private scheduleConnect(delayMs: number): void {
    this.current = 'connecting';
    this.reconnectTimer = this.opts.clock.setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delayMs);
  }

  private cancel(which: 'handshake' | 'ping' | 'reconnect'): void {
    const { clock } = this.opts;
    if (which === 'handshake' && this.handshakeTimer !== null) {
      clock.clearTimeout(this.handshakeTimer);
      this.handshakeTimer = null;
    }
    if (which === 'ping' && this.pingTimer !== null) {
      clock.clearInterval(this.pingTimer);
      this.pingTimer = null;
    }
    if (which === 'reconnect' && this.reconnectTimer !== null) {
      clock.clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
  }
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(new Uint8Array(data));
}
