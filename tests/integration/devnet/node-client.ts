import { SigningKey, Wallet } from 'ethers';
import WebSocket from 'ws';
import { sha256Hex } from '../../../src-main/core/protocol/canonical.js';
import { signEnvelope, type Clock } from '../../../src-main/core/protocol/envelope.js';
import type { MessageSigner } from '../../../src-main/core/protocol/signer.js';
import type { HeartbeatBody } from '../../../src-main/core/protocol/schemas/http.js';
import type {
  Job,
  NodeMessageBody,
  NodeMessageType,
} from '../../../src-main/core/protocol/schemas/ws.js';
import { simulateCompletion } from '../../../src-main/devnet/sim-runtime/index.js';
import { testSigner } from '../../helpers/keys.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test code reads arbitrary JSON answers
export type Json = any;

export type Frame = { type: string; [k: string]: unknown };

const systemNow: Clock = { now: () => Date.now() };

/** A minimal node for devnet tests: registers, heartbeats and talks the WebSocket protocol. */
export class TestNode {
  readonly privateKey: string;
  readonly publicKey: string;
  readonly signer: MessageSigner;
  clock: Clock = systemNow;

  constructor(
    readonly url: string,
    privateKey = Wallet.createRandom().privateKey,
    signer?: MessageSigner,
  ) {
    this.privateKey = privateKey;
    this.publicKey = new SigningKey(privateKey).publicKey;
    this.signer = signer ?? testSigner(privateKey);
  }

  get nodeId(): string {
    return this.signer.address;
  }

  envelope<B>(type: string, body: B, nonce?: string): ReturnType<typeof signEnvelope<B>> {
    return signEnvelope(this.signer, type, body, this.clock, nonce);
  }

  async post(path: string, body: unknown): Promise<{ status: number; json: Json }> {
    const res = await fetch(this.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  }

  registerBody(): Record<string, unknown> {
    return {
      network: 'local',
      public_key: this.publicKey,
      owner: null,
      agent_version: '0.1.0-test',
      hardware: {
        os: 'linux',
        arch: 'x64',
        cpu_model: 'test cpu',
        cpu_cores: 2,
        memory_total_mb: 4096,
        gpus: [],
        docker_version: null,
      },
    };
  }

  register(): Promise<{ status: number; json: Json }> {
    return this.post('/v1/nodes/register', this.envelope('register', this.registerBody()));
  }

  heartbeatBody(over: Partial<HeartbeatBody> = {}): HeartbeatBody {
    return {
      agent_version: '0.1.0-test',
      runtime_version: 'sim',
      protocol_version: '1.0',
      state: 'active',
      state_reason: '',
      uptime_s: 1,
      gpus: [],
      memory: { total_mb: 4096, free_mb: 2048 },
      config_digest: null,
      config_status: { state: 'ok' },
      models: { installed: [], active: [{ name: 'sim-chat-1b', revision: 'r1' }] },
      runtime: {
        kind: 'sim',
        healthy: true,
        running_requests: 0,
        waiting_requests: 0,
        kv_cache_usage: 0,
      },
      jobs: { in_flight: 0, completed_total: 0, failed_total: 0 },
      ...over,
    };
  }

  heartbeat(over: Partial<HeartbeatBody> = {}): Promise<{ status: number; json: Json }> {
    return this.post('/v1/nodes/heartbeat', this.envelope('heartbeat', this.heartbeatBody(over)));
  }

  /** Opens a session; resolves after session_ready (or rejects with the error frame / close). */
  async connect(
    wsUrl: string,
    o: { maxConcurrency?: number; accepting?: boolean; autoPong?: boolean } = {},
  ): Promise<Session> {
    const s = new Session(
      this,
      new WebSocket(wsUrl, { perMessageDeflate: false, autoPong: o.autoPong ?? true }),
    );
    const challenge = await s.next('challenge');
    s.send('session_open', {
      challenge: challenge.challenge as string,
      agent_version: '0.1.0-test',
      accepting: o.accepting ?? true,
      max_concurrency: o.maxConcurrency ?? 8,
    });
    const ready = await s.nextOf(['session_ready', 'error']);
    if (ready.type === 'error') throw new Error(`session refused: ${ready.code} ${ready.message}`);
    s.ready = ready;
    return s;
  }
}

/** One WebSocket session of a TestNode, with a frame inbox. */
export class Session {
  readonly frames: Frame[] = [];
  ready: Frame | null = null;
  closed: { code: number; reason: string } | null = null;
  private readonly waiters = new Set<() => void>();
  private readonly consumed = new WeakSet<Frame>();
  raw: string[] = [];

  constructor(
    readonly node: TestNode,
    readonly ws: WebSocket,
  ) {
    ws.on('message', (data) => {
      const text = data.toString();
      this.raw.push(text);
      let frame: Frame;
      try {
        frame = JSON.parse(text) as Frame;
      } catch {
        frame = { type: '(invalid json)', text };
      }
      this.frames.push(frame);
      for (const w of this.waiters) w();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const w of this.waiters) w();
    });
    ws.on('error', () => {});
  }

  send<T extends NodeMessageType>(
    type: T,
    body: NodeMessageBody<T> | Record<string, unknown>,
    nonce?: string,
  ): void {
    this.ws.send(JSON.stringify(this.node.envelope(type, body, nonce)));
  }

  sendRaw(obj: unknown): void {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  /** The next unconsumed frame matching `pred`. */
  waitFor(pred: (f: Frame) => boolean, timeoutMs = 5000, what = 'frame'): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const f = this.frames.find((x) => !this.consumed.has(x) && pred(x));
        if (f) {
          this.consumed.add(f);
          done();
          resolve(f);
        } else if (this.closed) {
          done();
          reject(
            new Error(
              `socket closed (${this.closed.code} ${this.closed.reason}) while waiting for ${what}`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `timed out waiting for ${what}; got ${this.frames.map((f) => f.type).join(',')}`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  next(type: string, timeoutMs = 5000): Promise<Frame> {
    return this.waitFor((f) => f.type === type, timeoutMs, type);
  }

  nextOf(types: string[], timeoutMs = 5000): Promise<Frame> {
    return this.waitFor((f) => types.includes(f.type), timeoutMs, types.join('|'));
  }

  /** Waits for the socket to close. */
  async closedWith(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    await this.waitFor(() => false, timeoutMs, 'close').catch(() => {});
    if (!this.closed) throw new Error('socket did not close');
    return this.closed;
  }

  /** A correct result for `job` (the simulated model's output for test tasks). */
  resultFor(
    job: Job,
    over: Partial<NodeMessageBody<'job_result'>> = {},
  ): NodeMessageBody<'job_result'> {
    const sim = simulateCompletion({
      model: job.model,
      prompt: job.prompt ?? '',
      seed: job.seed,
      maxTokens: job.max_tokens,
    });
    const output = over.output ?? sim.text;
    const now = Date.now();
    return {
      job_id: job.job_id,
      model: job.model,
      status: 'completed',
      output,
      output_hash: sha256Hex(output),
      finish_reason: sim.finishReason,
      usage: {
        prompt_tokens: 10,
        completion_tokens: Math.min(sim.completionTokens, job.max_tokens),
      },
      timings: {
        received_at: now,
        started_at: now,
        first_token_at: now,
        finished_at: now,
        runtime_ms: 0,
      },
      config_digest: null,
      ...over,
    };
  }

  /** Accepts and answers the next job_assign correctly; returns the job. */
  async serveNext(timeoutMs = 5000): Promise<Job> {
    const f = await this.next('job_assign', timeoutMs);
    const job = f.job as Job;
    this.send('job_accept', { job_id: job.job_id });
    this.send('job_result', this.resultFor(job));
    return job;
  }

  /** Answers every job_assign at once (accept + correct result), from now on. */
  autoServe(): void {
    this.ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as Frame;
      if (f.type !== 'job_assign') return;
      const job = f.job as Job;
      const frame = this.frames.indexOf(f);
      if (frame >= 0) this.consumed.add(this.frames[frame]!);
      this.send('job_accept', { job_id: job.job_id });
      this.send('job_result', this.resultFor(job));
    });
  }

  close(): void {
    this.ws.close();
  }
}

/** Registers, passes the test task, heartbeats: a node in the rotation. */
export async function activeNode(
  url: string,
  wsUrl: string,
  o: { maxConcurrency?: number } = {},
): Promise<{ node: TestNode; session: Session }> {
  const node = new TestNode(url);
  const reg = await node.register();
  if (reg.status !== 200) throw new Error(`register failed: ${JSON.stringify(reg.json)}`);
  const session = await node.connect(wsUrl, o);
  await session.serveNext();
  await session.next('result_ack');
  const status = await session.next('node_status');
  if (status.status !== 'active') throw new Error(`test task failed: ${JSON.stringify(status)}`);
  const hb = await node.heartbeat();
  if (hb.status !== 200) throw new Error(`heartbeat failed: ${JSON.stringify(hb.json)}`);
  return { node, session };
}
