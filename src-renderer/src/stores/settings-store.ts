import { create } from 'zustand';
import type { SettingsDto } from '../../../src-main/contract/index.js';
import { bridge } from './bridge-ref.js';

interface SettingsState {
  settings: SettingsDto | null;
  apply(settings: SettingsDto): void;
  update(patch: Partial<SettingsDto> & { confirmRestart?: boolean }): Promise<void>;
}

export const useSettingsStore = create<SettingsState>()((set) => ({
  settings: null,
  apply: (settings) => set({ settings }),
  update: async (patch) => set({ settings: await bridge().invoke('updateSettings', patch) }),
}));
