import { beforeEach, describe, expect, it } from 'vitest';
import type { GpuSampleDto, JobDto } from '../../../src-main/contract/index.js';
import { BridgeError } from '../../../src-main/contract/errors.js';
import {
  initialConnection,
  useConnectionStore,
} from '../../../src-renderer/src/stores/connection-store.js';
import { GPU_WINDOW_MS, useGpuStore } from '../../../src-renderer/src/stores/gpu-store.js';
import {
  MAX_JOBS,
  resetJobsStore,
  useJobsStore,
} from '../../../src-renderer/src/stores/jobs-store.js';
import { resetLogsStore, useLogsStore } from '../../../src-renderer/src/stores/logs-store.js';
import {
  MAX_PROGRESS_ITEMS,
  useModelsStore,
} from '../../../src-renderer/src/stores/models-store.js';
import { useNodeStore } from '../../../src-renderer/src/stores/node-store.js';
import { useSettingsStore } from '../../../src-renderer/src/stores/settings-store.js';
import { useSetupStore } from '../../../src-renderer/src/stores/setup-store.js';
import { useStatsStore } from '../../../src-renderer/src/stores/stats-store.js';
import { wireStores } from '../../../src-renderer/src/stores/wire-stores.js';
import { FakeBridge, line, snapshot } from './fake-bridge.js';

const flush = () => new Promise((r) => setTimeout(r, 0));
let frames: (() => void)[] = [];
const runFrames = () => {
  while (frames.length > 0) frames.shift()!();
};

function job(id: string, updatedAt: number, state: JobDto['state'] = 'completed'): JobDto {
  return {
    jobId: id,
    model: 'm',
    state,
    promptTokens: 1,
    completionTokens: 2,
    durationMs: 10,
    tokensPerSecond: 200,
    outcome: 'ok',
    updatedAt,
    test: false,
  };
}

function sample(ts: number, index = 0): GpuSampleDto {
  return {
    ts,
    index,
    utilizationPct: 50,
    memoryUsedMb: 1,
    memoryTotalMb: 2,
    temperatureC: 40,
    powerW: 100,
  };
}

beforeEach(() => {
  frames = [];
  resetLogsStore({ schedule: (cb) => frames.push(cb) });
  useConnectionStore.setState({ ...initialConnection });
  useNodeStore.setState({ node: null });
  useStatsStore.setState({ stats: null, throughput: [] });
  useGpuStore.setState({ gpu: null, history: {} });
  useModelsStore.setState({ models: [], progress: [] });
  resetJobsStore({ schedule: (cb) => frames.push(cb) });
  useSetupStore.setState({ checks: [], running: false, ran: false, error: null });
  useSettingsStore.setState({ settings: null });
});

describe('wireStores', () => {
  it('applies one snapshot, then pushed events, and never asks again on its own', async () => {
    const bridge = new FakeBridge().handle('getSnapshot', () =>
      snapshot({ logs: [line(0), line(1)], jobs: [job('a', 1)] }),
    );
    const off = wireStores(bridge, null);
    await flush();
    expect(useConnectionStore.getState()).toMatchObject({
      loaded: true,
      host: 'headless',
      appVersion: '9.9.9',
    });
    expect(useNodeStore.getState().node?.state).toBe('stopped');
    expect(useLogsStore.getState().ring.size).toBe(2);

    bridge.emit('state', { ...snapshot().node, state: 'active', reason: 'Serving.' });
    bridge.emit('stats', { ...snapshot().stats, jobsDone: 3, tokensPerSecond: 12 });
    bridge.emit('job', job('b', 2));
    bridge.emit('settings', { ...snapshot().settings, theme: 'dark' });
    bridge.emit('setup', [
      { id: 'docker', label: 'Docker', state: 'fail', detail: 'down', fix: 'start it' },
    ]);
    bridge.emit('models', [
      {
        name: 'x',
        servedName: 'x',
        revision: 'r',
        approved: true,
        installed: true,
        active: true,
        verification: 'verified',
        sizeBytes: 1,
      },
    ]);
    bridge.emit('gpu', { available: false, reason: 'No NVIDIA GPU found.', gpus: [] });
    expect(useNodeStore.getState().node?.state).toBe('active');
    expect(useStatsStore.getState().stats?.jobsDone).toBe(3);
    expect(useStatsStore.getState().throughput.at(-1)?.value).toBe(12);
    runFrames();
    expect(
      useJobsStore
        .getState()
        .list.toArray()
        .map((j) => j.jobId),
    ).toEqual(['b', 'a']);
    expect(useSettingsStore.getState().settings?.theme).toBe('dark');
    expect(useSetupStore.getState().checks[0]?.state).toBe('fail');
    expect(useModelsStore.getState().models).toHaveLength(1);
    expect(useGpuStore.getState().gpu?.available).toBe(false);
    expect(bridge.calls.map((c) => c.command)).toEqual(['getSnapshot']);

    off();
    expect(bridge.listenerCount()).toBe(0);
  });

  it('fetches the snapshot again after every reconnect, and only then', async () => {
    const bridge = new FakeBridge().handle('getSnapshot', () => snapshot());
    bridge.status = { kind: 'connecting' };
    wireStores(bridge, bridge);
    await flush();
    expect(bridge.calls).toHaveLength(0);
    bridge.setStatus({ kind: 'connected' });
    await flush();
    bridge.setStatus({ kind: 'reconnecting', attempt: 1, retryAt: 0, reason: '' });
    expect(useConnectionStore.getState().status.kind).toBe('reconnecting');
    bridge.setStatus({ kind: 'connected' });
    await flush();
    expect(bridge.calls.map((c) => c.command)).toEqual(['getSnapshot', 'getSnapshot']);
  });

  it('keeps a failed snapshot as an error to show', async () => {
    const bridge = new FakeBridge().handle('getSnapshot', () => {
      throw new BridgeError({ name: 'AgentError', message: 'The agent is still starting.' });
    });
    wireStores(bridge, null);
    await flush();
    expect(useConnectionStore.getState().loaded).toBe(false);
    expect(useConnectionStore.getState().snapshotError?.message).toBe(
      'The agent is still starting.',
    );
  });

  it('runs store actions through the bridge and lets their errors reach the caller', async () => {
    const bridge = new FakeBridge()
      .handle('getSnapshot', () => snapshot())
      .handle('start', () => ({ ...snapshot().node, state: 'registering' }))
      .handle('updateSettings', (patch) => ({ ...snapshot().settings, ...patch }))
      .handle('checkSetup', () => {
        throw new BridgeError({
          name: 'DockerError',
          message: 'Docker is not running.',
          code: 'ENOENT',
        });
      });
    wireStores(bridge, null);
    await useNodeStore.getState().start();
    expect(useNodeStore.getState().node?.state).toBe('registering');
    await useSettingsStore.getState().update({ keepAwake: true });
    expect(useSettingsStore.getState().settings?.keepAwake).toBe(true);
    expect(bridge.calls.find((c) => c.command === 'updateSettings')?.arg).toEqual({
      keepAwake: true,
    });
    const err = await useSetupStore
      .getState()
      .runChecks()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BridgeError);
    expect(err).toMatchObject({
      name: 'DockerError',
      code: 'ENOENT',
      message: 'Docker is not running.',
    });
  });
});

describe('logs store', () => {
  it('appends pushed lines once per frame, whatever the number of pushes', () => {
    const { enqueue } = useLogsStore.getState();
    enqueue([line(0)]);
    enqueue([line(1), line(2)]);
    enqueue([line(3)]);
    expect(frames).toHaveLength(1);
    expect(useLogsStore.getState().ring.size).toBe(0);
    frames.shift()!();
    expect(useLogsStore.getState().ring.size).toBe(4);
    expect(useLogsStore.getState().version).toBe(1);
  });

  it('caps the ring and drops duplicate lines after a reconnect', () => {
    resetLogsStore({ capacity: 5, schedule: (cb) => frames.push(cb) });
    const s = useLogsStore.getState();
    s.enqueue(Array.from({ length: 8 }, (_, i) => line(i)));
    frames.shift()!();
    s.enqueue([line(6), line(7), line(8)]);
    frames.shift()!();
    const ring = useLogsStore.getState().ring;
    expect(ring.size).toBe(5);
    expect(ring.toArray().map((l) => l.seq)).toEqual([4, 5, 6, 7, 8]);
  });

  it('merges a snapshot with lines already held, and trusts the snapshot after a node restart', () => {
    const s = useLogsStore.getState();
    s.enqueue([line(0), line(1), line(2), line(3)]);
    frames.shift()!();
    s.replace([line(2), line(3), line(4)]);
    expect(
      useLogsStore
        .getState()
        .ring.toArray()
        .map((l) => l.seq),
    ).toEqual([0, 1, 2, 3, 4]);
    // The node restarted: seq counts from 0 again, with other lines at the same numbers.
    s.replace([line(0, 'info', 999_999), line(1, 'info', 1_000_000)]);
    expect(
      useLogsStore
        .getState()
        .ring.toArray()
        .map((l) => l.ts),
    ).toEqual([999_999, 1_000_000]);
  });
});

describe('domain stores', () => {
  it('keeps only the last minutes of GPU samples per GPU, in order, without duplicates', () => {
    const g = useGpuStore.getState();
    g.replaceHistory([sample(2000), sample(1000), sample(1000, 1)]);
    g.addSamples([sample(2000), sample(3000), sample(GPU_WINDOW_MS + 2500)]);
    const h = useGpuStore.getState().history;
    expect(h[0]!.map((x) => x.ts)).toEqual([3000, GPU_WINDOW_MS + 2500]);
    expect(h[1]!.map((x) => x.ts)).toEqual([1000]);
  });

  it('lists jobs newest first, updates them in place (rows do not jump), caps the list', () => {
    const j = useJobsStore.getState();
    j.replace(Array.from({ length: MAX_JOBS + 10 }, (_, i) => job(`j${i}`, i)));
    const list = () => useJobsStore.getState().list;
    expect(list().size).toBe(MAX_JOBS);
    expect(list().at(0)?.jobId).toBe(`j${MAX_JOBS + 9}`);
    j.apply(job('j500', 10_000_000, 'failed'));
    j.apply(job('new', 10_000_001));
    expect(list().size).toBe(MAX_JOBS); // batched: nothing before the frame
    runFrames();
    expect(list().at(0)?.jobId).toBe('new');
    expect(list().at(MAX_JOBS - 490)).toMatchObject({ jobId: 'j500', state: 'failed' });
    expect(
      list()
        .toArray()
        .filter((x) => x.jobId === 'j500'),
    ).toHaveLength(1);
    for (let i = 0; i < MAX_JOBS / 10; i++) j.apply(job(`more${i}`, 20_000_000 + i));
    runFrames();
    expect(list().size).toBeLessThanOrEqual(MAX_JOBS + MAX_JOBS / 20);
    expect(list().at(0)?.jobId).toBe(`more${MAX_JOBS / 10 - 1}`);
  });

  it('updates transfers in place and drops old finished ones first', () => {
    const m = useModelsStore.getState();
    const p = (id: string, state: 'running' | 'done') => ({
      id,
      kind: 'model_download' as const,
      label: id,
      bytesDone: 1,
      bytesTotal: 2,
      etaSeconds: 1,
      state,
    });
    m.applyProgress(p('live', 'running'));
    for (let i = 0; i < MAX_PROGRESS_ITEMS + 3; i++) m.applyProgress(p(`done${i}`, 'done'));
    m.applyProgress({ ...p('live', 'running'), bytesDone: 2 });
    const items = useModelsStore.getState().progress;
    expect(items).toHaveLength(MAX_PROGRESS_ITEMS);
    expect(items[0]).toMatchObject({ id: 'live', bytesDone: 2 });
    expect(items.some((x) => x.id === 'done0')).toBe(false);
  });
});
