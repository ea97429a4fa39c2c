import { create } from 'zustand';
import type { SetupCheckDto } from '../../../src-main/contract/index.js';
import { bridge } from './bridge-ref.js';

interface SetupState {
  checks: SetupCheckDto[];
  apply(checks: SetupCheckDto[]): void;
  runChecks(): Promise<void>;
}

export const useSetupStore = create<SetupState>()((set) => ({
  checks: [],
  apply: (checks) => set({ checks }),
  runChecks: async () => set({ checks: await bridge().invoke('checkSetup', undefined) }),
}));
