import type { Clock, TimerHandle } from '../clock.js';
import type { NodeMessageSender } from './job-engine-api.js';
import { normaliseOutput } from '../protocol/output.js';

/**
 * Sends a job's streamed text as `job_partial` frames, at most one per `intervalMs`: a vLLM
 * stream yields a delta per token, far too many frames to sign and send one by one. Each frame
 * carries the text since the previous one; `seq` counts frames from 0. Best effort: a frame
 * the link cannot take is dropped (the result carries the whole output anyway).
 */
export class PartialSender {
  private buffer = '';
  private seq = 0;
  private timer: TimerHandle | null = null;
  private stopped = false;
  private held = false;

  constructor(
    private readonly jobId: string,
    private readonly link: NodeMessageSender,
    private readonly clock: Clock,
    private readonly intervalMs: number,
  ) {}

  /** Buffers without sending until `release()` (the job is not yet recorded and accepted). */
  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    this.push('');
  }

  push(text: string): void {
    if (this.stopped) return;
    this.buffer += text;
    if (this.held || this.buffer === '') return;
    this.timer ??= this.clock.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.intervalMs);
  }

  /**
   * Sends what is buffered now (before the result, so partials never trail it), normalised like
   * the result's output. A trailing high surrogate waits for its pair unless this is the last.
   */
  flush(last = false): void {
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.stopped || this.buffer === '') return;
    const end = this.buffer.charCodeAt(this.buffer.length - 1);
    const hold = !last && end >= 0xd800 && end <= 0xdbff ? 1 : 0;
    const text = normaliseOutput(this.buffer.slice(0, this.buffer.length - hold));
    this.buffer = this.buffer.slice(this.buffer.length - hold);
    if (text === '') return;
    const seq = this.seq++;
    try {
      void Promise.resolve(this.link.send('job_partial', { job_id: this.jobId, seq, text })).catch(
        () => undefined,
      );
    } catch {
      // link down: partials are best effort
    }
  }

  stop(): void {
    this.held = false;
    this.flush(true);
    this.stopped = true;
  }
}
