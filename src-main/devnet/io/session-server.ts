import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { TimerHandle } from '../../core/clock.js';
import { Envelope } from '../../core/protocol/envelope.js';
import { ProtocolError } from '../../core/protocol/errors.js';
import { networkFrame } from '../../core/protocol/network-message.js';
import {
  MAX_FRAME_BYTES,
  NodeMessageBodies,
  type NodeMessageBody,
  type NodeMessageType,
} from '../../core/protocol/schemas/ws.js';
import { Id } from '../../core/protocol/schemas/common.js';
import { assertSupportedVersion } from '../../core/protocol/version.js';
import type { ConfigService } from './config-service.js';
import { DEVNET_MODEL } from './default-snapshot.js';
import type { Control } from './control.js';
import type { Dispatcher } from './dispatcher.js';
import type { EnvelopeGate } from './envelope-gate.js';
import type { Faults } from './faults.js';
import {
  controlFramesBeforeAuth,
  invalidJobFrames,
  malformedFrames,
  oversizedFrame,
} from './hostile-frames.js';
import type { JobLedger } from './ledger.js';
import type { NodeLink } from './link.js';
import type { ResolvedOptions } from './options.js';
import type { NodeRecord, NodeRegistry } from './registry.js';
import type { SaveGate } from './save-gate.js';
import type { ResultDesk } from './result-desk.js';

export interface SessionDeps {
  registry: NodeRegistry;
  config: ConfigService;
  gate: EnvelopeGate;
  faults: Faults;
  dispatcher: Dispatcher;
  desk: ResultDesk;
  control: Control;
  ledger: JobLedger;
  saves: SaveGate;
  opts: ResolvedOptions;
}

interface Conn {
  ws: WebSocket;
  challenge: string;
  link: NodeLink | null;
  node: NodeRecord | null;
  alive: boolean;
  openTimer: TimerHandle | null;
  /** Frames received but not yet handled, with their arrival time. */
  inbox: { data: RawData; isBinary: boolean; perf: number }[];
}

export const CloseCodes = {
  unauthorised: 4401,
  notRegistered: 4404,
  replaced: 4409,
  version: 4426,
} as const;

/** The /v1/ws endpoint: challenge, signed session_open, then signed node frames. */
export class SessionServer {
  private readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: MAX_FRAME_BYTES,
    // Pongs are sent by hand so the stop_answering fault can withhold them.
    autoPong: false,
  });
  private readonly conns = new Set<Conn>();
  private readonly waiting = new Set<Conn>();
  private readonly pingTimer: TimerHandle;

  constructor(private readonly d: SessionDeps) {
    this.wss.on('connection', (ws) => this.onConnection(ws));
    this.pingTimer = d.opts.clock.setInterval(() => this.heartbeatPeers(), d.opts.wsPingIntervalMs);
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  /** Sends a frame to every open session. */
  broadcast(frame: string): void {
    for (const c of this.conns) c.link?.send(frame);
  }

  /** Sends the hostile frames the active faults ask for to every open session. */
  injectHostile(): void {
    for (const c of this.conns) if (c.link) this.hostileTo(c.link);
  }

  get openSessions(): number {
    let n = 0;
    for (const c of this.conns) if (c.link) n++;
    return n;
  }

  close(): void {
    this.d.opts.clock.clearInterval(this.pingTimer);
    for (const c of this.conns) c.ws.terminate();
    this.wss.close();
  }

  private onConnection(ws: WebSocket): void {
    const conn: Conn = {
      ws,
      challenge: randomBytes(32).toString('hex'),
      link: null,
      node: null,
      alive: true,
      openTimer: null,
      inbox: [],
    };
    this.conns.add(conn);
    ws.on('message', (data, isBinary) => this.receive(conn, data, isBinary));
    ws.on('ping', (data) => {
      if (!this.d.faults.silent) ws.pong(data);
    });
    ws.on('pong', () => (conn.alive = true));
    ws.on('error', () => {});
    ws.on('close', () => {
      this.conns.delete(conn);
      if (conn.openTimer !== null) this.d.opts.clock.clearTimeout(conn.openTimer);
      if (conn.link) this.d.dispatcher.detach(conn.link);
    });
    if (this.d.faults.silent) return;
    ws.send(
      networkFrame({
        type: 'challenge',
        challenge: conn.challenge,
        server_time: this.d.gate.serverTime(),
      }),
    );
    if (this.d.faults.state.control_before_auth) {
      for (const frame of controlFramesBeforeAuth(this.d.gate.serverTime())) ws.send(frame);
    }
    conn.openTimer = this.d.opts.clock.setTimeout(() => {
      conn.openTimer = null;
      if (!conn.link && !this.d.faults.silent) {
        this.refuse(conn, CloseCodes.unauthorised, 'malformed', 'no session_open received in time');
      }
    }, this.d.opts.sessionOpenTimeoutMs);
  }

  /**
   * Stamps a frame's arrival and queues it: every frame of a TCP chunk gets its own arrival time
   * before any of them is verified, so the timings do not include the devnet's own work.
   */
  private receive(conn: Conn, data: RawData, isBinary: boolean): void {
    conn.inbox.push({ data, isBinary, perf: this.d.opts.perfNow() });
    this.waiting.add(conn);
    if (this.waiting.size === 1) setImmediate(() => this.drain());
  }

  private drain(): void {
    for (const conn of this.waiting) {
      const frames = conn.inbox;
      conn.inbox = [];
      for (const f of frames) this.onMessage(conn, f.data, f.isBinary, f.perf);
    }
    this.waiting.clear();
  }

  private onMessage(conn: Conn, data: RawData, isBinary: boolean, receivedPerf: number): void {
    if (this.d.faults.silent) return;
    let raw: unknown;
    try {
      if (isBinary) throw new Error('binary');
      raw = JSON.parse(data.toString());
    } catch {
      if (!conn.link)
        return this.refuse(
          conn,
          CloseCodes.unauthorised,
          'malformed',
          'session_open is not a JSON text frame',
        );
      return this.sendError(conn, 'malformed', 'the frame is not a JSON text frame');
    }
    if (!conn.link) return this.open(conn, raw);
    this.onFrame(conn, conn.link, conn.node!, raw, receivedPerf);
  }

  private open(conn: Conn, raw: unknown): void {
    const shape = Envelope.safeParse(raw);
    let node: NodeRecord | undefined;
    try {
      if (shape.success) {
        assertSupportedVersion(shape.data.v);
        node = this.d.registry.get(shape.data.node_id);
        if (!node) {
          return this.refuse(
            conn,
            CloseCodes.notRegistered,
            'not_registered',
            'this node is not registered: register first (POST /v1/nodes/register)',
          );
        }
      }
      const env = this.d.gate.open(raw, NodeMessageBodies.session_open, 'session_open', node);
      if (env.body.challenge !== conn.challenge) {
        return this.refuse(
          conn,
          CloseCodes.unauthorised,
          'bad_challenge',
          "session_open does not answer this connection's challenge",
        );
      }
      node = node ?? this.d.registry.get(env.node_id)!;
      this.accept(conn, node, env.body);
    } catch (err) {
      const code = err instanceof ProtocolError ? err.code : 'malformed';
      const close = code === 'unsupported_version' ? CloseCodes.version : CloseCodes.unauthorised;
      this.refuse(conn, close, code, (err as Error).message);
    }
  }

  private accept(conn: Conn, node: NodeRecord, open: NodeMessageBody<'session_open'>): void {
    const nodeKey = node.nodeId.toLowerCase();
    const previous = this.d.dispatcher.links.get(nodeKey);
    if (previous) {
      this.d.dispatcher.detach(previous);
      for (const c of this.conns) {
        if (c.link === previous)
          c.ws.close(CloseCodes.replaced, 'replaced by a newer session of this node');
      }
    }
    if (conn.openTimer !== null) this.d.opts.clock.clearTimeout(conn.openTimer);
    conn.openTimer = null;
    const ws = conn.ws;
    const faults = this.d.faults;
    const link: NodeLink = {
      nodeKey,
      nodeId: node.nodeId,
      sessionId: `s-${randomBytes(8).toString('hex')}`,
      openedAt: this.d.opts.clock.now(),
      maxConcurrency: open.max_concurrency,
      accepting: open.accepting,
      operatorPause: open.operator_pause ?? null,
      send: (frame) => {
        if (ws.readyState === WebSocket.OPEN && !faults.silent) ws.send(frame);
      },
      drop: () => ws.terminate(),
    };
    conn.link = link;
    conn.node = node;
    link.send(
      networkFrame({
        type: 'session_ready',
        session_id: link.sessionId,
        status: node.status,
        config_digest: this.d.config.servedDigest(),
      }),
    );
    this.hostileTo(link);
    this.d.opts.logger.info('session opened', {
      node: node.nodeId,
      session: link.sessionId,
      status: node.status,
    });
    this.d.dispatcher.attach(link);
  }

  private onFrame(
    conn: Conn,
    link: NodeLink,
    node: NodeRecord,
    raw: unknown,
    receivedPerf: number,
  ): void {
    const type = (raw as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !Object.hasOwn(NodeMessageBodies, type)) {
      this.d.ledger.counters.envelopes_rejected++;
      return this.sendError(conn, 'malformed', `unknown message type ${JSON.stringify(type)}`);
    }
    const t = type as NodeMessageType;
    let env;
    try {
      env = this.d.gate.open(raw, NodeMessageBodies[t], t, node);
    } catch (err) {
      const code = err instanceof ProtocolError ? err.code : 'malformed';
      const message = `${t} refused: ${(err as Error).message}`;
      this.sendError(conn, code, message);
      const jobId = Id.safeParse((raw as { body?: { job_id?: unknown } }).body?.job_id);
      if (t === 'job_result' && jobId.success) {
        link.send(
          networkFrame({
            type: 'result_ack',
            job_id: jobId.data,
            outcome: 'rejected',
            reason: message.slice(0, 500),
          }),
        );
      }
      return;
    }
    const body: unknown = env.body;
    switch (t) {
      case 'job_accept':
        this.d.dispatcher.onAccept(link.nodeKey, (body as NodeMessageBodyOf<'job_accept'>).job_id);
        return;
      case 'job_reject': {
        const reject = body as NodeMessageBodyOf<'job_reject'>;
        if (this.d.dispatcher.onReject(link.nodeKey, reject)) return;
        const probe = this.d.faults.state.invalid_jobs;
        if (probe && reject.job_id.startsWith('invalid-'))
          probe.answers[reject.job_id] = { reason: reject.reason, detail: reject.detail };
        return;
      }
      case 'job_partial':
        return;
      case 'job_result': {
        const r = body as NodeMessageBodyOf<'job_result'>;
        const ack = this.d.desk.judge(link.nodeKey, r, receivedPerf);
        const reason = ack.reason === undefined ? {} : { reason: ack.reason.slice(0, 500) };
        // Saved before acknowledged: a crash after the ack cannot lose a result the node dropped.
        this.d.saves.whenSaved(() =>
          link.send(
            networkFrame({ type: 'result_ack', job_id: r.job_id, outcome: ack.outcome, ...reason }),
          ),
        );
        return;
      }
      case 'pong':
        this.d.control.onPong(
          link.nodeKey,
          (body as NodeMessageBodyOf<'pong'>).ping_id,
          receivedPerf,
        );
        return;
      case 'drain_ack':
        this.d.control.onDrainAck(link.nodeKey, (body as NodeMessageBodyOf<'drain_ack'>).in_flight);
        return;
      case 'session_open':
        return this.sendError(conn, 'malformed', 'the session is already open');
    }
  }

  private hostileTo(link: NodeLink): void {
    const f = this.d.faults.state;
    if (f.malformed_frames) for (const frame of malformedFrames()) link.send(frame);
    if (f.oversized_frames)
      link.send(oversizedFrame(f.oversized_frames.bytes, this.d.gate.serverTime()));
    if (f.invalid_jobs)
      for (const frame of invalidJobFrames(this.d.gate.serverTime(), DEVNET_MODEL.served_name))
        link.send(frame);
  }

  private sendError(conn: Conn, code: string, message: string): void {
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    conn.ws.send(networkFrame({ type: 'error', code, message: message.slice(0, 2000) }));
  }

  private refuse(conn: Conn, closeCode: number, code: string, message: string): void {
    this.d.opts.logger.debug('session refused', { code, close: closeCode, message });
    this.sendError(conn, code, message);
    conn.ws.close(closeCode, code);
  }

  private heartbeatPeers(): void {
    if (this.d.faults.silent) return;
    for (const c of this.conns) {
      if (!c.alive) {
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }
}

type NodeMessageBodyOf<T extends NodeMessageType> = NodeMessageBody<T>;
