import { create } from 'zustand';
import type { JobDto } from '../../../src-main/contract/index.js';
import {
  animationFrameScheduler,
  FrameBatcher,
  type FrameScheduler,
} from '../lib/frame-batcher.js';
import { JobList } from '../lib/job-list.js';

/** Jobs the dashboard keeps while it is open; the oldest fall off. */
export const MAX_JOBS = 100_000;

interface JobsState {
  /** Mutated in place; `version` tells components it changed. */
  list: JobList;
  version: number;
  apply(job: JobDto): void;
  replace(jobs: JobDto[]): void;
}

// Job events come several per job (received, running, completed, delivered): they reach the
// list at most once per frame, so a busy node does not re-render the page per event.
const makeBatcher = (schedule: FrameScheduler) =>
  new FrameBatcher<JobDto>(
    (jobs) =>
      useJobsStore.setState((s) => {
        for (const job of jobs) s.list.upsert(job);
        return { version: s.version + 1 };
      }),
    schedule,
    MAX_JOBS,
  );
let batcher = makeBatcher(animationFrameScheduler);

export const useJobsStore = create<JobsState>()((set) => ({
  list: new JobList(MAX_JOBS),
  version: 0,
  apply: (job) => batcher.push([job]),
  replace: (jobs) => {
    batcher.discard();
    set((s) => {
      s.list.replace(jobs);
      return { version: s.version + 1 };
    });
  },
}));

/** Tests: a fresh list, and the frame scheduler to use (e.g. one the test drives). */
export function resetJobsStore(o: { schedule?: FrameScheduler } = {}): void {
  batcher = makeBatcher(o.schedule ?? animationFrameScheduler);
  useJobsStore.setState({ list: new JobList(MAX_JOBS), version: 0 });
}
