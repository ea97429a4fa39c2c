import type { NodeBridge } from '../../../src-main/contract/index.js';

let current: NodeBridge | null = null;

/** The one bridge the store actions talk through; set once at start (tests set a fake). */
export function setBridge(bridge: NodeBridge | null): void {
  current = bridge;
}

export function bridge(): NodeBridge {
  if (!current) throw new Error('The dashboard is not connected to a node bridge yet.');
  return current;
}
