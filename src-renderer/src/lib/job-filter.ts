import type { JobDto } from '../../../src-main/contract/index.js';
import type { JobList } from './job-list.js';

/** How the Jobs page groups job states for its outcome filter. */
export type OutcomeFilter = 'all' | 'delivered' | 'in_progress' | 'failed' | 'rejected';

export const OUTCOMES: { value: OutcomeFilter; label: string }[] = [
  { value: 'all', label: 'All outcomes' },
  { value: 'delivered', label: 'Delivered or completed' },
  { value: 'in_progress', label: 'In progress' },
  { value: 'failed', label: 'Failed' },
  { value: 'rejected', label: 'Refused by this node' },
];

export function outcomeOf(job: JobDto): Exclude<OutcomeFilter, 'all'> {
  switch (job.state) {
    case 'completed':
    case 'acked':
      return 'delivered';
    case 'failed':
      return 'failed';
    case 'rejected':
      return 'rejected';
    default:
      return 'in_progress';
  }
}

export interface JobFilter {
  outcome: OutcomeFilter;
  /** '' = every model. */
  model: string;
}

export interface JobTotals {
  jobs: number;
  tokens: number;
  delivered: number;
  failed: number;
}

/** The rows that match (indices into the list, newest first) and their totals, in one pass. */
export interface JobView {
  count: number;
  at(i: number): JobDto | undefined;
  totals: JobTotals;
  /** Every model seen, sorted, for the model filter. */
  models: string[];
}

export function viewJobs(list: JobList, filter: JobFilter): JobView {
  const all = filter.outcome === 'all' && filter.model === '';
  const picked: number[] = [];
  const models = new Set<string>();
  const totals: JobTotals = { jobs: 0, tokens: 0, delivered: 0, failed: 0 };
  for (let i = 0; i < list.size; i++) {
    const job = list.at(i)!;
    if (job.model) models.add(job.model);
    if (filter.model !== '' && job.model !== filter.model) continue;
    const outcome = outcomeOf(job);
    if (filter.outcome !== 'all' && outcome !== filter.outcome) continue;
    if (!all) picked.push(i);
    totals.jobs++;
    totals.tokens += job.promptTokens + job.completionTokens;
    if (outcome === 'delivered') totals.delivered++;
    if (outcome === 'failed') totals.failed++;
  }
  return {
    count: totals.jobs,
    at: all ? (i) => list.at(i) : (i) => (i < picked.length ? list.at(picked[i]!) : undefined),
    totals,
    models: [...models].sort(),
  };
}
