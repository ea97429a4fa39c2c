/** One JSON object of Docker's pull progress stream. */
export interface PullEvent {
  id?: string;
  status?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string; code?: number };
}

interface Layer {
  done: number;
  total: number | null;
}

/**
 * Adds up bytes per layer from `progressDetail`. A layer's size is known only once it starts
 * downloading, so the total grows during a pull; layers that "Already exists" cost nothing.
 */
export class PullProgressTracker {
  #layers = new Map<string, Layer>();
  #digest: string | null = null;

  /** Applies one event; returns the error text when the event is a failure inside the stream. */
  apply(e: PullEvent): string | null {
    if (e.error || e.errorDetail?.message)
      return e.errorDetail?.message ?? e.error ?? 'pull failed';
    const status = e.status ?? '';
    const digest = /^Digest: (sha256:[0-9a-f]{64})/.exec(status);
    if (digest?.[1]) this.#digest = digest[1];
    const id = e.id;
    if (!id || !/^[0-9a-f]{12,64}$/.test(id)) return null;
    if (status === 'Already exists') {
      this.#layers.delete(id);
      return null;
    }
    const layer = this.#layers.get(id) ?? { done: 0, total: null };
    const detail = e.progressDetail;
    if (status === 'Downloading' && detail?.total) {
      layer.total = detail.total;
      layer.done = Math.min(detail.current ?? 0, detail.total);
    } else if (/^(Download complete|Verifying Checksum|Extracting|Pull complete)$/.test(status)) {
      if (status === 'Extracting' && layer.total === null && detail?.total)
        layer.total = detail.total;
      if (layer.total !== null) layer.done = layer.total;
    }
    this.#layers.set(id, layer);
    return null;
  }

  get bytesDone(): number {
    let sum = 0;
    for (const l of this.#layers.values()) sum += l.done;
    return sum;
  }

  get bytesTotal(): number | null {
    let sum = 0;
    let known = false;
    for (const l of this.#layers.values()) {
      if (l.total !== null) {
        sum += l.total;
        known = true;
      }
    }
    return known ? sum : null;
  }

  get layers(): number {
    return this.#layers.size;
  }

  /** Bytes of each layer being fetched, in the order the engine announced them. */
  layerBytes(): Array<{ id: string; bytesDone: number; bytesTotal: number | null }> {
    return [...this.#layers].map(([id, l]) => ({ id, bytesDone: l.done, bytesTotal: l.total }));
  }

  /** The manifest digest the engine reported at the end of the pull. */
  get digest(): string | null {
    return this.#digest;
  }
}
