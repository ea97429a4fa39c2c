import { describe, expect, it } from 'vitest';
import { dayKey, Totals } from '../../../src-main/core/status/totals.js';

const DAY = 86_400_000;
/** Local noon of 2026-03-10 plus `days`: clear of midnight whatever the time zone. */
const noon = (days: number) => new Date(2026, 2, 10 + days, 12).getTime();

describe('Totals day bookkeeping', () => {
  it('keeps only the last seven days while adding across days, and counts today and the week', () => {
    const t = new Totals(noon(0));
    for (let i = 0; i < 9; i++) {
      t.add(noon(i), { jobs: 1 });
      t.add(noon(i) + 1000, { jobs: 1 });
    }
    const days = Object.keys(t.toJSON().days).sort();
    expect(days).toEqual(Array.from({ length: 7 }, (_, i) => dayKey(noon(i + 2))));
    const v = t.view(noon(8));
    expect(v.today.jobs).toBe(2);
    expect(v.last7Days.jobs).toBe(14);
    expect(v.lifetime.jobs).toBe(18);
  });

  it('prunes a restored file’s old days on the first add, even after a view of the same day', () => {
    const restored = new Totals(noon(-20));
    restored.add(noon(-20), { jobs: 5 });
    const t = new Totals(noon(0), restored.toJSON());
    expect(t.view(noon(0)).today.jobs).toBe(0);
    t.add(noon(0), { jobs: 1 });
    expect(Object.keys(t.toJSON().days)).toEqual([dayKey(noon(0))]);
    expect(t.view(noon(0)).lifetime.jobs).toBe(6);
  });

  it('follows the clock into the next day and back', () => {
    const t = new Totals(noon(0));
    t.add(noon(0), { jobs: 1 });
    t.add(noon(0) + DAY, { jobs: 2 });
    expect(t.view(noon(1)).today.jobs).toBe(2);
    expect(t.view(noon(0)).today.jobs).toBe(1);
  });
});
