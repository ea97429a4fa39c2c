import type { LogEntry, LogSink } from '../core/logger.js';
import { RingBuffer } from './ring-buffer.js';

/** Lines a late subscriber (a dashboard started after the node) still receives. */
export const LOG_HUB_BACKLOG = 1_000;

/**
 * Fans the process's log entries out to late subscribers (the UI service). Pass `sink` to
 * `createLogger`; the agent adapter's `onLog` subscribes here. The newest lines are kept so a
 * dashboard started after the node (headless: after the key was loaded and the runtime chosen)
 * still shows how it began.
 */
export class LogHub {
  private readonly listeners = new Set<(entry: LogEntry) => void>();
  private readonly backlog: RingBuffer<LogEntry>;

  constructor(backlogLines: number = LOG_HUB_BACKLOG) {
    this.backlog = new RingBuffer(backlogLines);
  }

  readonly sink: LogSink = (entry) => {
    this.backlog.push(entry);
    for (const listener of this.listeners) listener(entry);
  };

  /** Subscribes; the listener first receives the backlog (oldest first), then each new entry. */
  on(listener: (entry: LogEntry) => void): () => void {
    for (const entry of this.backlog.last()) listener(entry);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
