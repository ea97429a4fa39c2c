import { z } from 'zod';

export const TIMELINE_WINDOW_MS = 24 * 3600_000;
const MAX_SEGMENTS = 2000;

export const Segment = z.object({
  from: z.number().int().nonnegative(),
  to: z.number().int().nonnegative(),
  /** A `ServingPhase` (kept as a string so a newer file still reads). */
  phase: z.string().max(32),
  text: z.string().max(300),
});
export type Segment = z.infer<typeof Segment>;

export const TimelineFile = z.object({
  version: z.literal(1),
  segments: z.array(Segment).max(MAX_SEGMENTS),
});
export type TimelineFile = z.infer<typeof TimelineFile>;

/**
 * The last 24 h of "serving or not, and why" as segments. A gap between segments is time the
 * node's process was not running. Bounded by age and count.
 */
export class Timeline {
  private segments: Segment[];
  /** The segment being extended by this process (never one restored from disk). */
  private open: Segment | null = null;

  constructor(restored: Segment[] = []) {
    this.segments = restored.map((s) => ({ ...s }));
  }

  /** Starts a new segment when the phase or the sentence changed; extends the open one otherwise. */
  record(now: number, phase: string, text: string): boolean {
    const t = text.slice(0, 300);
    if (this.open && this.open.phase === phase && this.open.text === t) {
      this.open.to = now;
      return false;
    }
    if (this.open) this.open.to = now;
    this.open = { from: now, to: now, phase, text: t };
    this.segments.push(this.open);
    this.prune(now);
    return true;
  }

  /** Carries the open segment to `now`. */
  extend(now: number): void {
    if (this.open) this.open.to = now;
  }

  /** Segments that overlap the last 24 h. */
  view(now: number): Segment[] {
    this.prune(now);
    return this.segments.map((s) => ({ ...s }));
  }

  toJSON(): TimelineFile {
    return { version: 1, segments: this.segments };
  }

  private prune(now: number): void {
    const since = now - TIMELINE_WINDOW_MS;
    let drop = 0;
    while (drop < this.segments.length && this.segments[drop]!.to < since) drop++;
    drop = Math.max(drop, this.segments.length - MAX_SEGMENTS);
    if (drop > 0) this.segments.splice(0, drop);
  }
}
