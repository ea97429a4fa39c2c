import type { LogEntry, LogLevel } from './protocol/schemas/http.js';

export type { LogEntry, LogLevel };

/** Structured logger. Every entry is also a candidate for the upstream log batches. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose entries carry `source`. */
  child(source: string): Logger;
}

export type LogSink = (entry: LogEntry) => void;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** A Logger that hands entries at or above `minLevel` to every sink. */
export function createLogger(
  sinks: LogSink[],
  opts: { source?: string; minLevel?: LogLevel; now?: () => number } = {},
): Logger {
  const min = LEVELS[opts.minLevel ?? 'info'];
  const now = opts.now ?? Date.now;
  const source = opts.source ?? 'agent';
  const emit = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return;
    const entry: LogEntry = fields
      ? { ts: now(), level, source, message, fields }
      : { ts: now(), level, source, message };
    for (const sink of sinks) sink(entry);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (child) => createLogger(sinks, { ...opts, source: `${source}.${child}` }),
  };
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = createLogger([]);
