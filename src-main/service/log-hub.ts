import { Emitter, type Event, type Listener } from '../core/base/event.js';
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
  private readonly backlog: RingBuffer<LogEntry>;
  // A failing listener is reported on stderr, never through the logger: that would feed the
  // failure back into this hub (and into the same listener).
  private readonly entries = new Emitter<LogEntry>({
    onListenerError: (error) => console.error('A log listener failed:', error),
  });

  constructor(backlogLines: number = LOG_HUB_BACKLOG) {
    this.backlog = new RingBuffer(backlogLines);
  }

  readonly sink: LogSink = (entry) => {
    this.backlog.push(entry);
    this.entries.fire(entry);
  };

  /** Subscribes; the listener first receives the backlog (oldest first), then each new entry. */
  readonly onEntry: Event<LogEntry> = (listener, store) => {
    replay(this.backlog.last(), listener);
    return this.entries.event(listener, store);
  };
}

function replay(entries: readonly LogEntry[], listener: Listener<LogEntry>): void {
  try {
    for (const entry of entries) listener(entry);
  } catch (error) {
    console.error('A log listener failed on the backlog:', error);
  }
}
