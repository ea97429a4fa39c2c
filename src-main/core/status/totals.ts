import { z } from 'zod';

const Count = z.number().int().nonnegative();
export const Counts = z.object({
  /** Regular jobs this node completed (the network's test task is not counted). */
  jobs: Count,
  /** Tokens generated for those jobs. */
  tokens: Count,
  /** Jobs that failed while running here (refusals before running are not failures). */
  failures: Count,
  /** Results the network acknowledged as accepted. */
  accepted: Count,
  /** Time the node was started (registering, serving or degraded), in ms. */
  uptimeMs: Count,
});
export type Counts = z.infer<typeof Counts>;

/** Days kept: today and the six before it make "7 days". */
export const TOTALS_DAYS = 7;

export const TotalsFile = z.object({
  version: z.literal(1),
  /** When the first total was recorded on this network. */
  since: z.number().int().nonnegative(),
  lifetime: Counts,
  /** Local calendar day (YYYY-MM-DD) → that day's counts; at most `TOTALS_DAYS` entries. */
  days: z.record(z.string().regex(/^\d{4}-\d{2}-\d{2}$/), Counts),
});
export type TotalsFile = z.infer<typeof TotalsFile>;

export interface TotalsView {
  today: Counts;
  last7Days: Counts;
  lifetime: Counts;
  since: number;
}

export const zeroCounts = (): Counts => ({
  jobs: 0,
  tokens: 0,
  failures: 0,
  accepted: 0,
  uptimeMs: 0,
});

/** The local calendar day of `t` (the operator's "today"). */
export function dayKey(t: number): string {
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Jobs, tokens, failures, accepted results and uptime per day and for the node's lifetime. */
export class Totals {
  private data: TotalsFile;
  /**
   * The local day of the latest call, its bounds and the week's keys: every job adds and views
   * twice, and building local dates for each was a measurable share of the node's CPU per job.
   */
  private day = { key: '', from: 0, to: -1, recent: [] as string[] };
  /** The day whose week the stored days were last cut to. */
  private prunedFor = '';

  constructor(now: number, restored?: TotalsFile) {
    this.data = restored
      ? structuredClone(restored)
      : { version: 1, since: now, lifetime: zeroCounts(), days: {} };
  }

  add(now: number, delta: Partial<Counts>): void {
    const { key, recent } = this.dayOf(now);
    // Days only leave the week when a new day begins (or on the first add after a restore).
    if (key !== this.prunedFor) {
      this.prune(recent);
      this.prunedFor = key;
    }
    const day = (this.data.days[key] ??= zeroCounts());
    for (const k of Object.keys(delta) as (keyof Counts)[]) {
      const v = Math.max(0, Math.round(delta[k] ?? 0));
      day[k] += v;
      this.data.lifetime[k] += v;
    }
  }

  view(now: number): TotalsView {
    const week = zeroCounts();
    const { key: today, recent } = this.dayOf(now);
    for (const key of recent) {
      const day = this.data.days[key];
      if (!day) continue;
      for (const k of Object.keys(week) as (keyof Counts)[]) week[k] += day[k];
    }
    return {
      today: { ...(this.data.days[today] ?? zeroCounts()) },
      last7Days: week,
      lifetime: { ...this.data.lifetime },
      since: this.data.since,
    };
  }

  toJSON(): TotalsFile {
    return this.data;
  }

  /** The local day of `now`, worked out again only when `now` leaves the last one. */
  private dayOf(now: number): { key: string; recent: string[] } {
    if (now >= this.day.from && now < this.day.to) return this.day;
    const d = new Date(now);
    const from = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
    const to = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
    this.day = { key: dayKey(now), from, to, recent: recentKeys(d) };
    return this.day;
  }

  /** Keeps the file bounded: only the last seven days. */
  private prune(recent: string[]): void {
    const keep = new Set(recent);
    for (const key of Object.keys(this.data.days)) if (!keep.has(key)) delete this.data.days[key];
  }
}

/** Keys of the day of `d` and the six days before it. */
function recentKeys(d: Date): string[] {
  const keys: string[] = [];
  for (let i = 0; i < TOTALS_DAYS; i++) {
    keys.push(dayKey(new Date(d.getFullYear(), d.getMonth(), d.getDate() - i, 12).getTime()));
  }
  return keys;
}
