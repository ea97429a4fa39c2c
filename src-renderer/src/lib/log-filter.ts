import type { LogLevelName, LogLineDto } from '../../../src-main/contract/index.js';
import type { LogRing } from './log-ring.js';

export const LEVEL_RANK: Record<LogLevelName, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface LogFilter {
  /** Lowest level shown. */
  minLevel: LogLevelName;
  /** Case-insensitive substring of the message or source; empty shows everything. */
  text: string;
}

export const NO_FILTER: LogFilter = { minLevel: 'debug', text: '' };

export function isFilterActive(f: LogFilter): boolean {
  return f.minLevel !== 'debug' || f.text.trim() !== '';
}

export function lineMatcher(f: LogFilter): (line: LogLineDto) => boolean {
  const min = LEVEL_RANK[f.minLevel];
  const needle = f.text.trim().toLowerCase();
  if (needle === '') return (line) => LEVEL_RANK[line.level] >= min;
  return (line) =>
    LEVEL_RANK[line.level] >= min &&
    (line.message.toLowerCase().includes(needle) || line.source.toLowerCase().includes(needle));
}

/** What the log list renders: a count and a line by row position. */
export interface LogView {
  readonly count: number;
  lineAt(row: number): LogLineDto | undefined;
}

/**
 * Keeps the absolute indices of matching lines and extends them incrementally as lines arrive,
 * so a filter over 100,000 lines costs one full scan when it changes, then only the new lines.
 */
export class FilteredLogIndex implements LogView {
  readonly #ring: LogRing;
  readonly #matches: (line: LogLineDto) => boolean;
  #indices: number[] = [];
  #head = 0;
  #scannedTo: number;

  constructor(ring: LogRing, filter: LogFilter) {
    this.#ring = ring;
    this.#matches = lineMatcher(filter);
    this.#scannedTo = ring.startAbs;
  }

  /** Brings the index up to date with the ring; call after every append. */
  refresh(): this {
    const ring = this.#ring;
    const start = ring.startAbs;
    if (this.#scannedTo < start) this.#scannedTo = start;
    while (this.#head < this.#indices.length && this.#indices[this.#head]! < start) this.#head++;
    // Compact now and then so the dropped prefix does not grow without bound.
    if (this.#head > 4096 && this.#head * 2 > this.#indices.length) {
      this.#indices = this.#indices.slice(this.#head);
      this.#head = 0;
    }
    for (let abs = this.#scannedTo; abs < ring.endAbs; abs++) {
      const line = ring.at(abs);
      if (line && this.#matches(line)) this.#indices.push(abs);
    }
    this.#scannedTo = ring.endAbs;
    return this;
  }

  get count(): number {
    return this.#indices.length - this.#head;
  }

  lineAt(row: number): LogLineDto | undefined {
    const abs = this.#indices[this.#head + row];
    return abs === undefined ? undefined : this.#ring.at(abs);
  }

  /** Every line in the view, oldest first (for export). */
  toArray(): LogLineDto[] {
    const out: LogLineDto[] = [];
    for (let i = 0; i < this.count; i++) {
      const line = this.lineAt(i);
      if (line) out.push(line);
    }
    return out;
  }
}

/** The unfiltered view: rows map straight onto the ring, no copy at all. */
export class RingLogView implements LogView {
  readonly #ring: LogRing;
  constructor(ring: LogRing) {
    this.#ring = ring;
  }
  get count(): number {
    return this.#ring.size;
  }
  lineAt(row: number): LogLineDto | undefined {
    return this.#ring.at(this.#ring.startAbs + row);
  }
  toArray(): LogLineDto[] {
    const out: LogLineDto[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.lineAt(i)!);
    return out;
  }
}
