import type { GpuSampleDto } from '../contract/index.js';
import { RingBuffer } from './ring-buffer.js';

/** GPU samples of the last `windowMs` (all GPUs interleaved), for the charts' first paint. */
export class GpuHistory {
  private readonly ring: RingBuffer<GpuSampleDto>;

  constructor(
    private readonly windowMs = 10 * 60_000,
    capacity = 8 * 3_600,
  ) {
    this.ring = new RingBuffer(capacity);
  }

  add(samples: GpuSampleDto[], now: number): void {
    for (const s of samples) this.ring.push(s);
    const cutoff = now - this.windowMs;
    this.ring.dropWhile((s) => s.ts < cutoff);
  }

  samples(now: number): GpuSampleDto[] {
    const cutoff = now - this.windowMs;
    this.ring.dropWhile((s) => s.ts < cutoff);
    return this.ring.last();
  }
}
