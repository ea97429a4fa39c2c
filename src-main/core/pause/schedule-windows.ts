/** A span of local time: starts at `from` on each of `days` (0 = Sunday), ends at `to`. */
export interface ScheduleWindow {
  days: readonly number[];
  /** "HH:MM", local time. */
  from: string;
  /** "HH:MM"; earlier than `from`: the window ends the next day (22:00–07:00). */
  to: string;
}

/** The window the moment falls in now, or the next one to start. */
export type ScheduleAt =
  { inWindow: true; endsAt: number } | { inWindow: false; nextStartAt: number | null };

const DAY_LOOKAHEAD = 8;
/** Back-to-back windows (Mon 22:00–07:00, Tue 07:00–09:00) join; this bounds the chain. */
const MAX_CHAIN = 64;

function minutesOf(hhmm: string): [number, number] {
  const [h, m] = hhmm.split(':').map(Number);
  return [h ?? 0, m ?? 0];
}

/**
 * The window's occurrence starting on the local calendar day `dayOffset` days from `base`.
 * Built from local date parts, so a DST change moves it with the wall clock (a window from
 * 22:00 to 07:00 ends at 07:00 local even on the night the clocks change).
 */
function occurrence(
  w: ScheduleWindow,
  base: Date,
  dayOffset: number,
): { start: number; end: number } | null {
  const [fh, fm] = minutesOf(w.from);
  const [th, tm] = minutesOf(w.to);
  const y = base.getFullYear();
  const mo = base.getMonth();
  const d = base.getDate() + dayOffset;
  const startDay = new Date(y, mo, d);
  if (!w.days.includes(startDay.getDay())) return null;
  const overnight = th * 60 + tm <= fh * 60 + fm;
  const start = new Date(y, mo, d, fh, fm).getTime();
  const end = new Date(y, mo, d + (overnight ? 1 : 0), th, tm).getTime();
  return end > start ? { start, end } : null;
}

/** Where `now` stands against the windows: inside one (until when) or before the next. */
export function scheduleAt(windows: readonly ScheduleWindow[], now: number): ScheduleAt {
  const endsAt = containingEnd(windows, now);
  if (endsAt !== null) return { inWindow: true, endsAt: chainEnd(windows, endsAt) };
  const base = new Date(now);
  let nextStartAt: number | null = null;
  for (const w of windows) {
    for (let off = 0; off <= DAY_LOOKAHEAD; off++) {
      const o = occurrence(w, base, off);
      if (o && o.start > now && (nextStartAt === null || o.start < nextStartAt)) {
        nextStartAt = o.start;
      }
    }
  }
  return { inWindow: false, nextStartAt };
}

/** Follows windows that begin when (or before) the current one ends: one pause, not two. */
function chainEnd(windows: readonly ScheduleWindow[], endsAt: number): number {
  let end = endsAt;
  for (let i = 0; i < MAX_CHAIN; i++) {
    const next = containingEnd(windows, end);
    if (next === null || next <= end) return end;
    end = next;
  }
  return end;
}

/** The latest end among the windows running at `at` (null: none runs). */
function containingEnd(windows: readonly ScheduleWindow[], at: number): number | null {
  const base = new Date(at);
  let best: number | null = null;
  for (const w of windows) {
    // A window that started yesterday may still run (overnight).
    for (const off of [-1, 0]) {
      const o = occurrence(w, base, off);
      if (o && o.start <= at && at < o.end) best = Math.max(best ?? 0, o.end);
    }
  }
  return best;
}
