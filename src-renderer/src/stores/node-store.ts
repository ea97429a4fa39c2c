import { create } from 'zustand';
import type { NodeStateDto } from '../../../src-main/contract/index.js';
import { bridge } from './bridge-ref.js';

interface NodeState {
  node: NodeStateDto | null;
  apply(node: NodeStateDto): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Pause for `minutes` (null: until resumed). */
  pause(minutes: number | null): Promise<void>;
  resume(): Promise<void>;
  /** Headless: drain and end the node's process. */
  endProcess(): Promise<void>;
}

export const useNodeStore = create<NodeState>()((set) => ({
  node: null,
  apply: (node) => set({ node }),
  start: async () => set({ node: await bridge().invoke('start', undefined) }),
  stop: async () => set({ node: await bridge().invoke('stop', undefined) }),
  pause: async (minutes) => set({ node: await bridge().invoke('pause', { minutes }) }),
  resume: async () => set({ node: await bridge().invoke('resume', undefined) }),
  endProcess: async () => {
    await bridge().invoke('endProcess', { confirm: true });
  },
}));
