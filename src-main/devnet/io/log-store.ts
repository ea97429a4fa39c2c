import type { LogEntry } from '../../core/protocol/schemas/http.js';

export interface StoredLogEntry extends LogEntry {
  node_id: string;
  batch_id: string;
}

/** Log batches nodes flushed upstream: idempotent by (node, batch_id), last N entries kept. */
export class LogStore {
  private readonly batches = new Map<string, number>();
  private entries: StoredLogEntry[] = [];
  batchesReceived = 0;

  constructor(private readonly maxEntries: number) {}

  /** Stores a batch once; returns the entry count (also for a repeated batch). */
  add(nodeId: string, batchId: string, entries: LogEntry[]): { count: number; duplicate: boolean } {
    const key = `${nodeId.toLowerCase()}:${batchId}`;
    const known = this.batches.get(key);
    if (known !== undefined) return { count: known, duplicate: true };
    this.batches.set(key, entries.length);
    this.batchesReceived++;
    for (const e of entries) this.entries.push({ ...e, node_id: nodeId, batch_id: batchId });
    if (this.entries.length > this.maxEntries * 1.5)
      this.entries = this.entries.slice(-this.maxEntries);
    if (this.batches.size > 100_000) this.batches.clear();
    return { count: entries.length, duplicate: false };
  }

  list(nodeId?: string, limit = 1000): StoredLogEntry[] {
    const all = this.entries.slice(-this.maxEntries);
    const mine = nodeId ? all.filter((e) => e.node_id.toLowerCase() === nodeId.toLowerCase()) : all;
    return mine.slice(-limit);
  }
}
