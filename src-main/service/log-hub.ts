import type { LogEntry, LogSink } from '../core/logger.js';

/**
 * Fans the process's log entries out to late subscribers (the UI service). Pass `sink` to
 * `createLogger`; the agent adapter's `onLog` subscribes here.
 */
export class LogHub {
  private readonly listeners = new Set<(entry: LogEntry) => void>();

  readonly sink: LogSink = (entry) => {
    for (const listener of this.listeners) listener(entry);
  };

  on(listener: (entry: LogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
