import type { DashboardSnapshot, NodeBridge } from '../../../src-main/contract/index.js';
import type { ConnectionSource } from '../bridge/connection-status.js';
import { setBridge } from './bridge-ref.js';
import { useConnectionStore } from './connection-store.js';
import { useGpuStore } from './gpu-store.js';
import { useHistoryStore } from './history-store.js';
import { useJobsStore } from './jobs-store.js';
import { useLogsStore } from './logs-store.js';
import { useModelsStore } from './models-store.js';
import { useNodeStore } from './node-store.js';
import { useSettingsStore } from './settings-store.js';
import { useSetupStore } from './setup-store.js';
import { useStatsStore } from './stats-store.js';

export function applySnapshot(snap: DashboardSnapshot): void {
  useNodeStore.getState().apply(snap.node);
  useStatsStore.getState().replaceThroughput(snap.throughput);
  useStatsStore.getState().apply(snap.stats);
  useHistoryStore.getState().applyTotals(snap.totals);
  useHistoryStore.getState().applyTimeline(snap.timeline);
  useGpuStore.getState().apply(snap.gpu);
  useGpuStore.getState().replaceHistory(snap.gpuHistory);
  useModelsStore.getState().applyModels(snap.models);
  useModelsStore.getState().applyDisk(snap.modelDisk ?? null);
  useModelsStore.getState().replaceProgress(snap.progress);
  useJobsStore.getState().replace(snap.jobs);
  useLogsStore.getState().replace(snap.logs);
  useSetupStore.getState().apply(snap.setup);
  useSettingsStore.getState().apply(snap.settings);
  useConnectionStore.setState({
    loaded: true,
    host: snap.host,
    appVersion: snap.appVersion,
    snapshotError: null,
  });
}

/**
 * Subscribes every store to the pushed events, then fetches one snapshot, again after every
 * reconnect. Nothing here runs on a timer. Returns the unsubscribe.
 */
export function wireStores(bridge: NodeBridge, connection: ConnectionSource | null): () => void {
  setBridge(bridge);
  const offs = [
    bridge.on('state', (p) => useNodeStore.getState().apply(p)),
    bridge.on('stats', (p) => useStatsStore.getState().apply(p)),
    bridge.on('gpu', (p) => useGpuStore.getState().apply(p)),
    bridge.on('gpuSamples', (p) => useGpuStore.getState().addSamples(p)),
    bridge.on('models', (p) => useModelsStore.getState().applyModels(p)),
    bridge.on('modelDisk', (p) => useModelsStore.getState().applyDisk(p)),
    bridge.on('progress', (p) => useModelsStore.getState().applyProgress(p)),
    bridge.on('job', (p) => useJobsStore.getState().apply(p)),
    bridge.on('logs', (p) => useLogsStore.getState().enqueue(p)),
    bridge.on('setup', (p) => useSetupStore.getState().apply(p)),
    bridge.on('settings', (p) => useSettingsStore.getState().apply(p)),
    bridge.on('totals', (p) => useHistoryStore.getState().applyTotals(p)),
    bridge.on('timeline', (p) => useHistoryStore.getState().applyTimeline(p)),
  ];
  let fetching = 0;
  const load = async (): Promise<void> => {
    const ticket = ++fetching;
    try {
      const snap = await bridge.invoke('getSnapshot', undefined);
      if (ticket === fetching) applySnapshot(snap);
    } catch (err) {
      if (ticket === fetching) useConnectionStore.setState({ snapshotError: err as Error });
    }
  };
  if (connection) {
    useConnectionStore.setState({ status: connection.status });
    offs.push(
      connection.onStatus((status) => {
        useConnectionStore.setState({ status });
        if (status.kind === 'connected') void load();
      }),
    );
    if (connection.status.kind === 'connected') void load();
  } else {
    useConnectionStore.setState({ status: { kind: 'connected' } });
    void load();
  }
  return () => {
    for (const off of offs) off();
    setBridge(null);
  };
}

/** Exposed so a failed first load can be retried from the error state. */
export async function reloadSnapshot(bridge: NodeBridge): Promise<void> {
  applySnapshot(await bridge.invoke('getSnapshot', undefined));
}
