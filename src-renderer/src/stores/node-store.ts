import { create } from 'zustand';
import type { NodeStateDto } from '../../../src-main/contract/index.js';
import { bridge } from './bridge-ref.js';

interface NodeState {
  node: NodeStateDto | null;
  apply(node: NodeStateDto): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const useNodeStore = create<NodeState>()((set) => ({
  node: null,
  apply: (node) => set({ node }),
  start: async () => set({ node: await bridge().invoke('start', undefined) }),
  stop: async () => set({ node: await bridge().invoke('stop', undefined) }),
}));
