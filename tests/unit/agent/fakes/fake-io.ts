import { computeAddress } from 'ethers';
import type { IoApi } from '../../../../src-main/core/network/io-http-client.js';
import {
  IoClockSkewError,
  IoNotRegisteredError,
  IoRejectedError,
  IoUnreachableError,
} from '../../../../src-main/core/network/errors.js';
import type {
  HeartbeatBody,
  NodeStatus,
  RegisterBody,
  SignedSnapshot,
} from '../../../../src-main/core/protocol/index.js';

/** An in-memory IO service: serves one current snapshot, records calls, can go offline. */
export class FakeIo implements IoApi {
  served: SignedSnapshot | null = null;
  offline = false;
  /** Network clock minus real time, to simulate a skewed local clock. */
  timeOffsetMs = 0;
  registered = false;
  status: NodeStatus = 'pending_test';
  readonly calls: string[] = [];
  readonly heartbeats: HeartbeatBody[] = [];
  readonly registrations: RegisterBody[] = [];

  private guard(call: string): void {
    this.calls.push(call);
    if (this.offline) throw new IoUnreachableError('http://fake-io', 'ECONNREFUSED');
  }

  async register(body: RegisterBody) {
    this.guard('register');
    this.registrations.push(body);
    this.registered = true;
    return {
      node_id: computeAddress(body.public_key),
      status: this.status,
      snapshot: this.served,
      ws_path: '/v1/ws',
      server_time: Date.now(),
    };
  }

  async heartbeat(body: HeartbeatBody) {
    this.guard('heartbeat');
    if (!this.registered) throw new IoNotRegisteredError('unknown node');
    // Like the real service: a signed message from a skewed clock is refused.
    if (Math.abs(this.timeOffsetMs) > 60_000) throw new IoClockSkewError(-this.timeOffsetMs);
    this.heartbeats.push(body);
    return {
      status: this.status,
      config_digest: this.served?.config_digest ?? `sha256:${'0'.repeat(64)}`,
      server_time: Date.now(),
    };
  }

  async uploadLogs(body: { batch_id: string; entries: unknown[] }) {
    this.guard('logs');
    return { accepted: body.batch_id, count: body.entries.length };
  }

  async configDigest() {
    this.guard('digest');
    if (!this.served) throw new Error('no snapshot served');
    return {
      config_digest: this.served.config_digest,
      serial: (this.served.snapshot as { serial: number }).serial,
      server_time: Date.now(),
    };
  }

  async snapshot(digest?: string) {
    this.guard(`snapshot:${digest ?? ''}`);
    if (!this.served) throw new Error('no snapshot served');
    if (digest && digest !== this.served.config_digest) {
      throw new IoRejectedError(404, 'unknown_digest', `no snapshot ${digest}`);
    }
    return this.served;
  }

  async time() {
    this.guard('time');
    return { server_time: Date.now() + this.timeOffsetMs };
  }
}
