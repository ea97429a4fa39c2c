// What the operator sees in the first seconds: the setup checks run on the first visit (once),
// the throughput chart says it is collecting instead of drawing a spike, job IDs stay readable.
import { beforeEach, describe, expect, it } from 'vitest';
import type { SetupCheckDto } from '../../../src-main/contract/index.js';
import { readableId } from '../../../src-renderer/src/lib/format.js';
import {
  THROUGHPUT_MIN_HISTORY_MS,
  throughputView,
} from '../../../src-renderer/src/lib/throughput-view.js';
import { setBridge } from '../../../src-renderer/src/stores/bridge-ref.js';
import { useSetupStore } from '../../../src-renderer/src/stores/setup-store.js';
import { FakeBridge } from './fake-bridge.js';

const DOCKER: SetupCheckDto = { id: 'docker', label: 'Docker', state: 'pass', detail: 'ok' };

describe('setup checks on the first visit', () => {
  let bridge: FakeBridge;
  let release: () => void;
  beforeEach(() => {
    useSetupStore.setState({ checks: [], running: false, ran: false, error: null });
    bridge = new FakeBridge();
    setBridge(bridge);
  });

  it('runs once, shares the run with a click meanwhile, and not again on the next visit', async () => {
    const gate = new Promise<void>((r) => (release = r));
    bridge.handlers.set('checkSetup', () => gate.then(() => [DOCKER]));
    useSetupStore.getState().runIfNeverRun();
    expect(useSetupStore.getState().running).toBe(true);
    useSetupStore.getState().runIfNeverRun(); // a second mount (StrictMode, another tab)
    const click = useSetupStore.getState().runChecks();
    release();
    await click;
    expect(bridge.calls.filter((c) => c.command === 'checkSetup')).toHaveLength(1);
    expect(useSetupStore.getState()).toMatchObject({ checks: [DOCKER], running: false, ran: true });
    useSetupStore.getState().runIfNeverRun();
    expect(bridge.calls.filter((c) => c.command === 'checkSetup')).toHaveLength(1);
  });

  it('does not run on its own when results came with the snapshot, or after a failure', async () => {
    bridge.handlers.set('checkSetup', () => [DOCKER]);
    useSetupStore.getState().apply([DOCKER]);
    useSetupStore.getState().runIfNeverRun();
    expect(bridge.calls).toHaveLength(0);

    useSetupStore.setState({ checks: [] });
    bridge.handlers.set('checkSetup', () => {
      throw new Error('Docker is not running.');
    });
    await expect(useSetupStore.getState().runChecks()).rejects.toThrow('Docker is not running.');
    expect(useSetupStore.getState().error?.message).toBe('Docker is not running.');
    useSetupStore.getState().runIfNeverRun();
    expect(bridge.calls).toHaveLength(1);
  });
});

describe('throughput chart view', () => {
  const t0 = 1_000_000;

  it('collects until it has some history, instead of a spike at the right edge', () => {
    const burst = [
      { ts: t0, value: 0 },
      { ts: t0 + 1000, value: 4.6 },
    ];
    expect(throughputView([], t0, true).collecting).toBe(true);
    expect(throughputView(burst, t0 + 2000, true).collecting).toBe(true);
    const later = throughputView(burst, t0 + THROUGHPUT_MIN_HISTORY_MS, true);
    expect(later.collecting).toBe(false);
    expect(later.windowMs).toBe(60_000);
  });

  it('carries the last value to now while the node runs (stats are pushed only on change)', () => {
    const view = throughputView([{ ts: t0, value: 3 }], t0 + 30_000, true);
    expect(view.end).toBe(t0 + 30_000);
    expect(view.points).toEqual([
      { ts: t0, value: 3 },
      { ts: t0 + 30_000, value: 3 },
    ]);
    expect(view.collecting).toBe(false);
  });

  it('a stopped node keeps its last line and never says "collecting"', () => {
    const view = throughputView([{ ts: t0, value: 3 }], t0 + 30_000, false);
    expect(view).toMatchObject({ end: t0, collecting: false });
    expect(view.points).toHaveLength(1);
  });
});

describe('readableId', () => {
  it('keeps IDs that fit whole and cuts long ones in the middle, keeping both ends', () => {
    expect(readableId('test-bcfe7f-1')).toBe('test-bcfe7f-1');
    expect(readableId('j-bcfe7f-d')).toBe('j-bcfe7f-d');
    const uuid = '3f2a1c9e-0d4b-4e8a-9c1d-2b3c4d5e6f70';
    const shown = readableId(uuid);
    expect(shown).toHaveLength(24);
    expect(shown.startsWith('3f2a1c9e-0d4b-4e')).toBe(true);
    expect(shown.endsWith('5e6f70')).toBe(true);
    expect(shown).toContain('…');
    expect(readableId('x'.repeat(128)).length).toBe(24);
  });
});
