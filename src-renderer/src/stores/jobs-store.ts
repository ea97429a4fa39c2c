import { create } from 'zustand';
import type { JobDto } from '../../../src-main/contract/index.js';

export const MAX_JOBS = 200;

interface JobsState {
  /** Newest first. */
  jobs: JobDto[];
  apply(job: JobDto): void;
  replace(jobs: JobDto[]): void;
}

function newestFirst(jobs: JobDto[]): JobDto[] {
  return jobs.sort((a, b) => b.updatedAt - a.updatedAt).slice(0, MAX_JOBS);
}

export const useJobsStore = create<JobsState>()((set) => ({
  jobs: [],
  apply: (job) =>
    set((s) => ({ jobs: newestFirst([job, ...s.jobs.filter((j) => j.jobId !== job.jobId)]) })),
  replace: (jobs) => set({ jobs: newestFirst([...jobs]) }),
}));
