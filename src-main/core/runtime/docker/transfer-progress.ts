/** Progress of a long transfer (image pull, model download), shaped like the UI's ProgressDto. */
export interface TransferProgress {
  id: string;
  kind: 'image_pull' | 'model_download';
  label: string;
  bytesDone: number;
  /** Null while unknown (layer sizes arrive as layers start). */
  bytesTotal: number | null;
  etaSeconds: number | null;
  /** Current rate (model downloads), absent or null while unknown. */
  bytesPerSecond?: number | null;
  state: 'running' | 'done' | 'failed';
  error?: string;
  /** Image pulls: bytes per layer (short layer id), as Docker reports them. */
  layers?: Array<{ id: string; bytesDone: number; bytesTotal: number | null }>;
}

/** Transfer rate smoothed over recent samples, for an ETA that does not jump around. */
export class RateMeter {
  #lastAt: number | null = null;
  #lastBytes = 0;
  #rate: number | null = null;

  constructor(private readonly smoothing = 0.3) {}

  /** Records the running total at time `now` (ms); returns bytes per second, null until known. */
  sample(bytes: number, now: number): number | null {
    if (this.#lastAt === null) {
      this.#lastAt = now;
      this.#lastBytes = bytes;
      return this.#rate;
    }
    const dt = (now - this.#lastAt) / 1000;
    if (dt < 0.2) return this.#rate;
    const instant = Math.max(0, bytes - this.#lastBytes) / dt;
    this.#rate =
      this.#rate === null ? instant : this.#rate + this.smoothing * (instant - this.#rate);
    this.#lastAt = now;
    this.#lastBytes = bytes;
    return this.#rate;
  }

  eta(done: number, total: number | null): number | null {
    if (total === null || this.#rate === null || this.#rate <= 0) return null;
    return Math.max(0, Math.round((total - done) / this.#rate));
  }
}
