import type { Clock } from '../../clock.js';
import type { ApprovedModel } from '../../protocol/schemas/snapshot.js';
import { RateMeter, type TransferProgress } from '../docker/transfer-progress.js';

/** Bytes, total and ETA of one model download, emitted at most every `intervalMs`. */
export class ModelProgress {
  #done = 0;
  #last = -Infinity;
  readonly #meter = new RateMeter();

  constructor(
    private readonly model: ApprovedModel,
    private readonly total: number,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly onProgress?: (p: TransferProgress) => void,
  ) {}

  /** Bytes already on disk before this download. */
  init(bytes: number): void {
    this.#done = bytes;
  }

  add(bytes: number): void {
    this.#done += bytes;
    this.emit('running');
  }

  emit(state: TransferProgress['state'], force = false, error?: string): void {
    const now = this.clock.now();
    if (!force && now - this.#last < this.intervalMs) return;
    this.#last = now;
    const rate = this.#meter.sample(this.#done, now);
    this.onProgress?.({
      id: `model:${this.model.served_name}`,
      kind: 'model_download',
      label: `Model ${this.model.name}`,
      bytesDone: state === 'done' ? this.total : this.#done,
      bytesTotal: this.total,
      etaSeconds: state === 'done' ? 0 : this.#meter.eta(this.#done, this.total),
      bytesPerSecond: state === 'running' ? rate : null,
      state,
      ...(error ? { error } : {}),
    });
  }
}
