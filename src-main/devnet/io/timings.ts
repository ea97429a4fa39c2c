/** A bounded record of durations (ms) with percentile summaries. Old samples are overwritten. */
export class TimingRing {
  private readonly buf: Float64Array;
  private next = 0;
  private filled = 0;
  total = 0;

  constructor(capacity = 100_000) {
    this.buf = new Float64Array(capacity);
  }

  add(ms: number): void {
    this.buf[this.next] = ms;
    this.next = (this.next + 1) % this.buf.length;
    if (this.filled < this.buf.length) this.filled++;
    this.total++;
  }

  /** The retained samples, oldest first. */
  values(limit = this.filled): number[] {
    const n = Math.min(limit, this.filled);
    const out = new Array<number>(n);
    const start = (this.next - n + this.buf.length) % this.buf.length;
    for (let i = 0; i < n; i++) out[i] = round3(this.buf[(start + i) % this.buf.length]!);
    return out;
  }

  summary(): TimingSummary {
    if (this.filled === 0)
      return {
        count: 0,
        retained: 0,
        min: null,
        mean: null,
        p50: null,
        p90: null,
        p99: null,
        max: null,
      };
    const sorted = Float64Array.from(this.buf.subarray(0, this.filled)).sort();
    let sum = 0;
    for (const v of sorted) sum += v;
    const at = (q: number) =>
      round3(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
    return {
      count: this.total,
      retained: this.filled,
      min: round3(sorted[0]!),
      mean: round3(sum / sorted.length),
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: round3(sorted[sorted.length - 1]!),
    };
  }

  clear(): void {
    this.next = 0;
    this.filled = 0;
    this.total = 0;
  }
}

export interface TimingSummary {
  /** Samples ever recorded. */
  count: number;
  /** Samples the percentiles are computed over (the most recent ones). */
  retained: number;
  min: number | null;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
