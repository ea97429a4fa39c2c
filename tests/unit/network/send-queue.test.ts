import { describe, expect, it } from 'vitest';
import { SendQueue, type FrameSink } from '../../../src-main/core/network/send-queue.js';
import { ManualClock } from '../../helpers/manual-clock.js';

class SlowSink implements FrameSink {
  bufferedAmount = 0;
  open = true;
  readonly written: string[] = [];
  isOpen(): boolean {
    return this.open;
  }
  write(frame: string): void {
    this.written.push(frame);
    this.bufferedAmount += frame.length;
  }
}

describe('SendQueue', () => {
  it('holds frames while the socket buffer is above the high-water mark, then flushes in order', () => {
    const clock = new ManualClock();
    const q = new SendQueue({ clock, highWaterBytes: 10, maxFrames: 100, retryMs: 20 });
    const sink = new SlowSink();
    q.attach(sink);
    for (let i = 0; i < 5; i++) expect(q.push('job_result', `frame-${i}`)).toBe(true);
    // "frame-0" (7 bytes) and "frame-1" fit below 10 bytes buffered; the rest wait.
    expect(sink.written).toEqual(['frame-0', 'frame-1']);
    expect(q.length).toBe(3);
    clock.advance(20);
    expect(sink.written.length).toBe(2);
    sink.bufferedAmount = 0; // the kernel took the bytes
    clock.advance(20);
    expect(sink.written).toEqual(['frame-0', 'frame-1', 'frame-2', 'frame-3']);
    sink.bufferedAmount = 0;
    clock.advance(20);
    expect(sink.written.at(-1)).toBe('frame-4');
    expect(q.length).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('refuses frames beyond its bound and without a socket, and reports what was lost on detach', () => {
    const clock = new ManualClock();
    const q = new SendQueue({ clock, highWaterBytes: 0, maxFrames: 3 });
    expect(q.push('job_result', 'x')).toBe(false);
    q.attach(new SlowSink());
    expect(q.push('job_result', 'a')).toBe(true);
    expect(q.push('job_result', 'b')).toBe(true);
    expect(q.push('pong', 'c')).toBe(true);
    expect(q.push('job_result', 'd')).toBe(false);
    const lost = q.detach();
    expect([...lost]).toEqual([
      ['job_result', 2],
      ['pong', 1],
    ]);
    expect(q.length).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('corks the socket at the first frame of a turn and uncorks once after it', async () => {
    const calls: string[] = [];
    const sink = new SlowSink();
    const corking: FrameSink = {
      get bufferedAmount() {
        return 0;
      },
      isOpen: () => true,
      write: (f) => (calls.push(`write ${f}`), sink.write(f)),
      cork: () => calls.push('cork'),
      uncork: () => calls.push('uncork'),
    };
    const q = new SendQueue({ clock: new ManualClock(), highWaterBytes: 1000, maxFrames: 10 });
    q.attach(corking);
    q.push('job_accept', 'a');
    q.push('job_result', 'b');
    expect(calls).toEqual(['cork', 'write a', 'write b']); // written now, sent together
    await new Promise((r) => setImmediate(r));
    q.push('job_result', 'c');
    expect(calls).toEqual(['cork', 'write a', 'write b', 'uncork', 'cork', 'write c']);
  });
});
