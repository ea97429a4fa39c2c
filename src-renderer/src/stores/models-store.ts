import { create } from 'zustand';
import type { ModelDiskDto, ModelDto, ProgressDto } from '../../../src-main/contract/index.js';

/** Finished transfers stay visible for a while; the list never grows past this. */
export const MAX_PROGRESS_ITEMS = 20;

interface ModelsState {
  models: ModelDto[];
  /** Transfers in arrival order, keyed by id. */
  progress: ProgressDto[];
  /** Disk the models take and may take; null when the node runs no model store. */
  disk: ModelDiskDto | null;
  applyModels(models: ModelDto[]): void;
  applyDisk(disk: ModelDiskDto | null): void;
  applyProgress(p: ProgressDto): void;
  replaceProgress(items: ProgressDto[]): void;
}

export const useModelsStore = create<ModelsState>()((set) => ({
  models: [],
  progress: [],
  disk: null,
  applyModels: (models) => set({ models }),
  applyDisk: (disk) => set({ disk }),
  applyProgress: (p) =>
    set((s) => {
      const i = s.progress.findIndex((x) => x.id === p.id);
      const next = i >= 0 ? s.progress.map((x, j) => (j === i ? p : x)) : [...s.progress, p];
      // Drop the oldest finished transfers first; running ones always stay.
      while (next.length > MAX_PROGRESS_ITEMS) {
        const k = next.findIndex((x) => x.state !== 'running');
        next.splice(k >= 0 ? k : 0, 1);
      }
      return { progress: next };
    }),
  replaceProgress: (items) => set({ progress: items.slice(-MAX_PROGRESS_ITEMS) }),
}));
