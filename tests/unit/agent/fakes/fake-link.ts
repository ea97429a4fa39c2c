import { Emitter } from '../../../../src-main/core/base/event.js';
import type {
  DisconnectInfo,
  JobLinkApi,
  JobLinkOptions,
  JobLinkState,
  SessionInfo,
} from '../../../../src-main/core/network/job-link.js';
import type {
  NetworkMessageDraft,
  NodeMessageBody,
  NodeMessageType,
  NodeStatus,
} from '../../../../src-main/core/protocol/index.js';
import { PROTOCOL_VERSION, NetworkMessage } from '../../../../src-main/core/protocol/index.js';
import { surfaceListenerErrors } from '../../../helpers/listener-errors.js';

/** A JobLink without sockets: the test opens, drops and feeds it. */
export class FakeLink implements JobLinkApi {
  state: JobLinkState = 'idle';
  readonly #connected = new Emitter<SessionInfo>(surfaceListenerErrors);
  readonly #disconnected = new Emitter<DisconnectInfo>(surfaceListenerErrors);
  readonly #message = new Emitter<NetworkMessage>(surfaceListenerErrors);
  readonly onConnected = this.#connected.event;
  readonly onDisconnected = this.#disconnected.event;
  readonly onMessage = this.#message.event;
  readonly sent: { type: string; body: unknown }[] = [];
  readonly calls: string[] = [];

  constructor(
    readonly opts: JobLinkOptions,
    /** The digest session_ready announces (the network's current one). */
    private readonly networkDigest: () => string = () => `sha256:${'0'.repeat(64)}`,
  ) {}

  start(): void {
    this.calls.push('start');
    this.state = 'connecting';
  }
  async stop(): Promise<void> {
    this.calls.push('stop');
    this.state = 'stopped';
  }
  reconnect(): void {
    this.calls.push('reconnect');
  }
  pause(ms: number): void {
    this.calls.push(`pause:${ms}`);
    this.drop('paused', 1000);
  }
  setRetry(baseMs: number, maxMs: number): void {
    this.calls.push(`retry:${baseMs}:${maxMs}`);
  }
  send<T extends NodeMessageType>(type: T, body: NodeMessageBody<T>): boolean {
    if (this.state !== 'ready') return false;
    this.sent.push({ type, body });
    return true;
  }

  /** challenge → session_open (reads the session params, unless told not to) → session_ready. */
  open(status: NodeStatus, configDigest = this.networkDigest(), answerChallenge = true): void {
    if (answerChallenge) this.opts.sessionParams();
    this.state = 'ready';
    this.#connected.fire({ sessionId: 's-1', status, configDigest });
  }
  drop(reason = 'test drop', code = 1006, willReconnect = true): void {
    this.state = willReconnect ? 'connecting' : 'stopped';
    this.#disconnected.fire({
      code,
      reason,
      willReconnect,
      retryInMs: willReconnect ? 10 : null,
      requested: false,
    });
  }
  deliver(msg: NetworkMessageDraft): void {
    this.#message.fire(NetworkMessage.parse({ v: PROTOCOL_VERSION, ...msg }));
  }
}
