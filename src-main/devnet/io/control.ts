import { randomBytes } from 'node:crypto';
import { networkFrame } from '../../core/protocol/network-message.js';
import type { NodeLink } from './link.js';

export interface PongRecord {
  ping_id: string;
  rtt_ms: number;
  at: number;
}

export interface DrainRecord {
  reason: string;
  sent_at: number;
  acked_at: number | null;
  in_flight: number | null;
}

const KEEP = 100;

/** Administrative pings and soft shutdowns (drain) sent to nodes, and what they answered. */
export class Control {
  private readonly pending = new Map<string, { nodeKey: string; sentPerf: number }>();
  private readonly pongs = new Map<string, PongRecord[]>();
  private readonly drains = new Map<string, DrainRecord[]>();

  constructor(
    private readonly now: () => number,
    private readonly perfNow: () => number,
    private readonly serverTime: () => number,
  ) {}

  ping(link: NodeLink): string {
    const ping_id = `ping-${randomBytes(6).toString('hex')}`;
    this.pending.set(ping_id, { nodeKey: link.nodeKey, sentPerf: this.perfNow() });
    link.send(networkFrame({ type: 'ping', ping_id, server_time: this.serverTime() }));
    return ping_id;
  }

  /** Tells the node to stop taking jobs and close once its jobs are done; it leaves the rotation now. */
  drain(link: NodeLink, reason: string, deadlineMs?: number): void {
    link.accepting = false;
    push(this.drains, link.nodeKey, {
      reason,
      sent_at: this.now(),
      acked_at: null,
      in_flight: null,
    });
    link.send(
      networkFrame({
        type: 'drain',
        reason,
        ...(deadlineMs !== undefined ? { deadline_ms: deadlineMs } : {}),
      }),
    );
  }

  onPong(nodeKey: string, pingId: string, receivedPerf: number): boolean {
    const p = this.pending.get(pingId);
    if (!p || p.nodeKey !== nodeKey) return false;
    this.pending.delete(pingId);
    push(this.pongs, nodeKey, {
      ping_id: pingId,
      rtt_ms: receivedPerf - p.sentPerf,
      at: this.now(),
    });
    return true;
  }

  onDrainAck(nodeKey: string, inFlight: number): void {
    const list = this.drains.get(nodeKey);
    const open = list?.find((d) => d.acked_at === null);
    if (open) {
      open.acked_at = this.now();
      open.in_flight = inFlight;
    } else {
      push(this.drains, nodeKey, {
        reason: '(unsolicited)',
        sent_at: 0,
        acked_at: this.now(),
        in_flight: inFlight,
      });
    }
  }

  pongsOf(nodeKey: string): PongRecord[] {
    return this.pongs.get(nodeKey) ?? [];
  }

  drainsOf(nodeKey: string): DrainRecord[] {
    return this.drains.get(nodeKey) ?? [];
  }
}

function push<T>(map: Map<string, T[]>, key: string, item: T): void {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  list.push(item);
  if (list.length > KEEP) list.shift();
}
