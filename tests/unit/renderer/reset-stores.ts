import type { StoreApi } from 'zustand';
import { setBridge } from '../../../src-renderer/src/stores/bridge-ref.js';
import { useConnectionStore } from '../../../src-renderer/src/stores/connection-store.js';
import { useGpuStore } from '../../../src-renderer/src/stores/gpu-store.js';
import { resetJobsStore, useJobsStore } from '../../../src-renderer/src/stores/jobs-store.js';
import { resetLogsStore, useLogsStore } from '../../../src-renderer/src/stores/logs-store.js';
import { useModelsStore } from '../../../src-renderer/src/stores/models-store.js';
import { useNodeStore } from '../../../src-renderer/src/stores/node-store.js';
import { useSettingsStore } from '../../../src-renderer/src/stores/settings-store.js';
import { useSetupStore } from '../../../src-renderer/src/stores/setup-store.js';
import { useStatsStore } from '../../../src-renderer/src/stores/stats-store.js';

/** Every dashboard store: the real zustand stores the app uses. */
const STORES: StoreApi<unknown>[] = [
  useConnectionStore,
  useGpuStore,
  useJobsStore,
  useLogsStore,
  useModelsStore,
  useNodeStore,
  useSettingsStore,
  useSetupStore,
  useStatsStore,
];

/**
 * Puts every store back to its initial state, as zustand's testing guide does
 * (`store.setState(store.getInitialState(), true)`), so no test sees another's state. The logs
 * store mutates its ring in place, so it also gets a fresh ring and frame batcher.
 */
export function resetAllStores(logs: Parameters<typeof resetLogsStore>[0] = {}): void {
  for (const store of STORES) store.setState(store.getInitialState(), true);
  resetLogsStore(logs);
  resetJobsStore(logs);
  setBridge(null);
}
