import type { RuntimeMetrics, RuntimeState, RuntimeStatus } from '../runtime.js';

/** While none serves, the fleet shows the state closest to serving. */
const CLOSEST: RuntimeState[] = ['loading', 'starting', 'unhealthy', 'failed', 'stopped'];

/**
 * One status for several runtime containers: `ready` while at least one serves (the others
 * only take their share away, which the detail says), else the state closest to serving.
 */
export function fleetStatus(
  slots: readonly { share: number; status: RuntimeStatus }[],
  idleDetail: string,
): RuntimeStatus {
  const first = slots[0]?.status;
  if (!first)
    return {
      kind: 'docker-vllm',
      state: 'stopped',
      detail: idleDetail,
      version: null,
      servedModels: [],
      simulated: false,
    };
  if (slots.length === 1) return first;
  const ready = slots.filter((s) => s.status.state === 'ready');
  const others = slots.filter((s) => s.status.state !== 'ready');
  const state =
    ready.length > 0
      ? 'ready'
      : (CLOSEST.find((st) => slots.some((s) => s.status.state === st)) ?? first.state);
  const jobs = ready.reduce((n, s) => n + s.share, 0);
  const detail =
    ready.length === slots.length
      ? `${slots.length} runtime containers serve, ${jobs} jobs at once.`
      : ready.length > 0
        ? `${ready.length} of ${slots.length} runtime containers serve (${jobs} jobs at once); the others: ${others.map((s) => s.status.detail).join(' | ')}`
        : others.map((s) => s.status.detail).join(' | ');
  return {
    kind: first.kind,
    state,
    detail,
    version: slots.find((s) => s.status.version)?.status.version ?? null,
    servedModels: [...new Set(ready.flatMap((s) => s.status.servedModels))],
    simulated: slots.some((s) => s.status.simulated),
  };
}

const sum = (xs: (number | null)[]) =>
  xs.every((x) => x === null) ? null : xs.reduce<number>((n, x) => n + (x ?? 0), 0);

/** The node's metrics over its containers: counts add up, the fullest KV cache counts. */
export function fleetMetrics(list: readonly RuntimeMetrics[]): RuntimeMetrics {
  const ttft = list.map((m) => m.timeToFirstTokenSeconds).filter((x): x is number => x !== null);
  const kv = list.map((m) => m.kvCacheUsage).filter((x): x is number => x !== null);
  return {
    running: sum(list.map((m) => m.running)),
    waiting: sum(list.map((m) => m.waiting)),
    kvCacheUsage: kv.length ? Math.max(...kv) : null,
    timeToFirstTokenSeconds: ttft.length ? ttft.reduce((a, b) => a + b, 0) / ttft.length : null,
    generationTokensTotal: sum(list.map((m) => m.generationTokensTotal)),
  };
}
