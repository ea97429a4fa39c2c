import type { Clock, TimerHandle } from '../clock.js';

/** What the queue writes to: the open WebSocket. */
export interface FrameSink {
  readonly bufferedAmount: number;
  isOpen(): boolean;
  write(frame: string): void;
  /**
   * Optional: hold the socket's writes until `uncork` (net.Socket cork/uncork). The queue
   * corks at the first frame of a callback and uncorks once it and its promise chains are done
   * (process.nextTick), so the accepts and results of one journal commit leave in one system
   * call instead of one each — without waiting for the rest of the event-loop turn.
   */
  cork?(): void;
  uncork?(): void;
}

export interface SendQueueOptions {
  clock: Clock;
  /** Stop writing while the socket holds more than this many unsent bytes. */
  highWaterBytes: number;
  /** Frames waiting beyond this are refused (the caller keeps them, e.g. in the journal). */
  maxFrames: number;
  /** How often a blocked queue re-checks the socket. */
  retryMs?: number;
}

interface Pending {
  type: string;
  frame: string;
}

/**
 * Outgoing frames with backpressure: frames are written only while the socket's own buffer is
 * below the high-water mark; the rest wait here, up to a bound. A refused frame is reported to
 * the caller (never dropped silently).
 */
export class SendQueue {
  private readonly pending: Pending[] = [];
  private timer: TimerHandle | null = null;
  private sink: FrameSink | null = null;
  private corked: FrameSink | null = null;

  constructor(private readonly opts: SendQueueOptions) {}

  get length(): number {
    return this.pending.length;
  }

  attach(sink: FrameSink): void {
    this.sink = sink;
    this.flush();
  }

  /** Detaches the socket and returns what was still waiting, by message type. */
  detach(): Map<string, number> {
    this.sink = null;
    this.cancelTimer();
    const counts = new Map<string, number>();
    for (const p of this.pending.splice(0)) counts.set(p.type, (counts.get(p.type) ?? 0) + 1);
    return counts;
  }

  /** Queues a frame; false when no socket is attached or the queue is full. */
  push(type: string, frame: string): boolean {
    if (!this.sink || this.pending.length >= this.opts.maxFrames) return false;
    this.pending.push({ type, frame });
    this.flush();
    return true;
  }

  private flush(): void {
    const sink = this.sink;
    while (sink?.isOpen() && this.pending.length > 0) {
      if (sink.bufferedAmount >= this.opts.highWaterBytes) break;
      const next = this.pending.shift() as Pending;
      this.corkForThisCallback(sink);
      sink.write(next.frame);
    }
    if (this.pending.length > 0 && this.sink && this.timer === null) {
      this.timer = this.opts.clock.setTimeout(() => {
        this.timer = null;
        this.flush();
      }, this.opts.retryMs ?? 20);
    }
  }

  private corkForThisCallback(sink: FrameSink): void {
    if (this.corked !== null || !sink.cork || !sink.uncork) return;
    sink.cork();
    this.corked = sink;
    process.nextTick(() => {
      this.corked = null;
      sink.uncork?.();
    });
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
