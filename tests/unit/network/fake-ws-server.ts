import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  NonceCache,
  networkFrame,
  verifyEnvelope,
  type Envelope,
  type NetworkMessageDraft,
} from '../../../src-main/core/protocol/index.js';

export interface FakeWsServerOptions {
  port?: number;
  /** false: never answer transport pings (a dead peer). */
  autoPong?: boolean;
  /** Frames sent right after the challenge, before session_open is answered (hostile). */
  beforeReady?: NetworkMessageDraft[];
}

/**
 * A small IO-like WebSocket server: challenge → verified session_open → session_ready, and it
 * records every verified envelope the node sends.
 */
export class FakeWsServer {
  readonly received: Envelope[] = [];
  readonly sockets = new Set<WebSocket>();
  sessions = 0;
  private readonly nonces = new NonceCache(60_000);

  private constructor(
    readonly wss: WebSocketServer,
    private readonly beforeReady: NetworkMessageDraft[] = [],
  ) {
    wss.on('connection', (ws) => this.onConnection(ws));
  }

  static start(opts: FakeWsServerOptions = {}): Promise<FakeWsServer> {
    return new Promise((resolve, reject) => {
      const wss = new WebSocketServer({
        host: '127.0.0.1',
        port: opts.port ?? 0,
        autoPong: opts.autoPong ?? true,
        maxPayload: 4 * 1024 * 1024,
      });
      wss.once('listening', () => resolve(new FakeWsServer(wss, opts.beforeReady)));
      wss.once('error', reject);
    });
  }

  get port(): number {
    return (this.wss.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/v1/ws`;
  }

  /** Sends to every open session. */
  broadcastRaw(data: string | Buffer): void {
    for (const ws of this.sockets) ws.send(data);
  }

  broadcast(msg: NetworkMessageDraft): void {
    this.broadcastRaw(networkFrame(msg));
  }

  /** Resolves when a verified envelope of `type` arrives (or one already did). */
  async waitFor(type: string, count = 1, timeoutMs = 5000): Promise<Envelope[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.filter((e) => e.type === type);
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`no ${type} message within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private onConnection(ws: WebSocket): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    const challenge = randomBytes(32).toString('hex');
    ws.send(networkFrame({ type: 'challenge', challenge, server_time: Date.now() }));
    for (const frame of this.beforeReady) ws.send(networkFrame(frame));
    ws.on('message', (data) => {
      let env: Envelope;
      try {
        env = verifyEnvelope(JSON.parse(data.toString()), {
          nowMs: Date.now(),
          nonces: this.nonces,
        });
      } catch (err) {
        ws.close(4401, (err as Error).message.slice(0, 100));
        return;
      }
      this.received.push(env);
      if (env.type === 'session_open') {
        const body = env.body as { challenge?: string };
        if (body.challenge !== challenge) return ws.close(4401, 'wrong challenge');
        this.sessions += 1;
        ws.send(
          networkFrame({
            type: 'session_ready',
            session_id: `s-${this.sessions}`,
            status: 'active',
            config_digest: `sha256:${'a'.repeat(64)}`,
          }),
        );
      }
    });
  }
}
