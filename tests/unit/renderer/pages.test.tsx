// Pages rendered to HTML in Node (react-dom/server) from stores filled through the real wiring
// and a fake bridge: what the operator reads in each state.
import { renderToString } from 'react-dom/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { StateCreator, StoreApi } from 'zustand/vanilla';
import { ConnectionBanner } from '../../../src-renderer/src/app/ConnectionBanner.js';
import { GpuPage } from '../../../src-renderer/src/pages/GpuPage.js';
import { JobsPage } from '../../../src-renderer/src/pages/JobsPage.js';
import { LogsPage } from '../../../src-renderer/src/pages/LogsPage.js';
import { ModelsPage } from '../../../src-renderer/src/pages/ModelsPage.js';
import { OverviewPage } from '../../../src-renderer/src/pages/OverviewPage.js';
import { SettingsPage } from '../../../src-renderer/src/pages/SettingsPage.js';
import { SetupPage } from '../../../src-renderer/src/pages/SetupPage.js';
import { useConnectionStore } from '../../../src-renderer/src/stores/connection-store.js';
import { resetLogsStore } from '../../../src-renderer/src/stores/logs-store.js';
import { applySnapshot } from '../../../src-renderer/src/stores/wire-stores.js';
import { line, snapshot } from './fake-bridge.js';

// Server rendering reads a zustand store's INITIAL state (useSyncExternalStore's server
// snapshot). Here the hook reads the current state instead, so the HTML shows what the test set.
vi.mock('zustand', async () => {
  const { useSyncExternalStore } = await import('react');
  const { createStore } = await import('zustand/vanilla');
  const create = (init: StateCreator<object>) => {
    const api: StoreApi<object> = createStore(init);
    const hook = (selector: (s: object) => unknown = (s) => s) =>
      useSyncExternalStore(
        api.subscribe,
        () => selector(api.getState()),
        () => selector(api.getState()),
      );
    return Object.assign(hook, api);
  };
  return { create: () => create };
});

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

beforeEach(() => resetLogsStore({ schedule: () => undefined }));

describe('pages', () => {
  it('Overview: state in plain words, SIMULATED badge, key warning, Start button', () => {
    const base = snapshot();
    applySnapshot(
      snapshot({
        node: {
          ...base.node,
          state: 'degraded',
          reason: 'The inference runtime stopped responding; restarting it.',
          keyProtection: {
            kind: 'basic_text',
            warning: 'The system keyring stores the key passphrase in plain text.',
          },
        },
      }),
    );
    const out = text(renderToString(<OverviewPage />));
    expect(out).toContain('Degraded');
    expect(out).toContain('The inference runtime stopped responding; restarting it.');
    expect(out).toContain('SIMULATED runtime');
    expect(out).toContain('Your node key is weakly protected');
    expect(out).toContain('Stop node');
    expect(out).toContain('0xabc');
    expect(out).toContain('Local devnet');
  });

  it('Overview: a stopped node offers Start and no SIMULATED badge on a real runtime', () => {
    const base = snapshot();
    applySnapshot(
      snapshot({ node: { ...base.node, runtime: { ...base.node.runtime, simulated: false } } }),
    );
    const out = text(renderToString(<OverviewPage />));
    expect(out).toContain('Start node');
    expect(out).not.toContain('SIMULATED');
    expect(out).toContain('Not running');
  });

  it('GPU: explains when this machine cannot serve inference', () => {
    applySnapshot(
      snapshot({
        gpu: {
          available: false,
          reason: 'No NVIDIA GPU was found (nvidia-smi is not installed).',
          gpus: [],
        },
      }),
    );
    const out = text(renderToString(<GpuPage />));
    expect(out).toContain('This machine cannot serve inference');
    expect(out).toContain('nvidia-smi is not installed');
    expect(out).toContain('Open the setup check');
  });

  it('GPU: a card with four charts per GPU', () => {
    const gpu = {
      index: 0,
      name: 'RTX 4090',
      uuid: 'GPU-1',
      memoryTotalMb: 24_564,
      driverVersion: '580.82',
    };
    const hist = [1, 2].map((i) => ({
      ts: i * 1000,
      index: 0,
      utilizationPct: 50,
      memoryUsedMb: 1000,
      memoryTotalMb: 24_564,
      temperatureC: null,
      powerW: 200,
    }));
    applySnapshot(
      snapshot({ gpu: { available: true, reason: '', gpus: [gpu] }, gpuHistory: hist }),
    );
    const html = renderToString(<GpuPage />);
    expect(text(html)).toContain('GPU 0 · RTX 4090');
    expect(html.match(/role="img"/g)).toHaveLength(4);
    expect(text(html)).toContain('of 24.0 GiB');
  });

  it('Jobs: an empty state that says what to do, then a table', () => {
    applySnapshot(snapshot());
    expect(text(renderToString(<JobsPage />))).toContain('Start the node on the Overview page');
    applySnapshot(
      snapshot({
        jobs: [
          {
            jobId: 'job-1234567890abcdef',
            model: 'qwen',
            state: 'failed',
            promptTokens: 10,
            completionTokens: 0,
            durationMs: 1500,
            tokensPerSecond: null,
            outcome: 'The runtime closed the stream early',
            updatedAt: Date.now(),
            test: true,
          },
        ],
      }),
    );
    const out = text(renderToString(<JobsPage />));
    expect(out).toContain('Failed');
    expect(out).toContain('The runtime closed the stream early');
    expect(out).toContain('1.5 s');
    expect(out).toContain('test');
  });

  it('Models: progress with bytes and ETA, verification mismatch with its detail', () => {
    applySnapshot(
      snapshot({
        models: [
          {
            name: 'm/A',
            servedName: 'a',
            revision: 'abcdef0123456789',
            approved: true,
            installed: true,
            active: false,
            verification: 'mismatch',
            sizeBytes: 1024 ** 3,
            detail: 'sha256 differs for shard 2',
          },
        ],
        progress: [
          {
            id: 'p',
            kind: 'model_download',
            label: 'm/B',
            bytesDone: 512 * 1024 ** 2,
            bytesTotal: 2 * 1024 ** 3,
            etaSeconds: 90,
            state: 'running',
          },
        ],
      }),
    );
    const html = renderToString(<ModelsPage />);
    const out = text(html);
    expect(out).toContain('512 MiB of 2.0 GiB');
    expect(out).toContain('2 min left');
    expect(out).toContain('Checksum mismatch');
    expect(out).toContain('sha256 differs for shard 2');
    expect(html).toContain('aria-valuenow="25"');
  });

  it('Setup: each failing check shows its fix', () => {
    applySnapshot(
      snapshot({
        setup: [
          {
            id: 'docker',
            label: 'Docker',
            state: 'fail',
            detail: 'Docker is not running.',
            fix: 'Start Docker Desktop, then run the checks again.',
          },
          { id: 'disk', label: 'Disk', state: 'pass', detail: 'Plenty.', fix: 'never shown' },
        ],
      }),
    );
    const out = text(renderToString(<SetupPage />));
    expect(out).toContain('1 check fails');
    expect(out).toContain('How to fix: Start Docker Desktop, then run the checks again.');
    expect(out).not.toContain('never shown');
    expect(out).toContain('Run checks again');
  });

  it('Settings: every setting, the data folder read-only, and the key backup warning', () => {
    applySnapshot(snapshot());
    const out = text(renderToString(<SettingsPage />));
    for (const label of [
      'Network',
      'Account',
      'Data folder',
      '/data',
      'Launch at login',
      'Keep the computer awake',
      'Install updates automatically',
      'Most jobs at once',
      'VRAM kept free',
      'Theme',
    ]) {
      expect(out).toContain(label);
    }
    expect(out).toContain('Anyone with this file and its passphrase controls your node');
  });

  it('Logs: empty state, then a count of lines', () => {
    applySnapshot(snapshot());
    expect(text(renderToString(<LogsPage />))).toContain('No log lines yet');
    applySnapshot(snapshot({ logs: [line(0), line(1), line(2)] }));
    expect(text(renderToString(<LogsPage />))).toContain('3 lines');
  });

  it('Connection banner: says the node service is unreachable and when it retries', () => {
    useConnectionStore.setState({
      status: { kind: 'reconnecting', attempt: 1, retryAt: Date.now() + 3000, reason: '' },
    });
    expect(text(renderToString(<ConnectionBanner />))).toMatch(
      /Can't reach the node service\. Is it still running\? Retrying in 3 s…/,
    );
    useConnectionStore.setState({ status: { kind: 'connected' } });
    expect(renderToString(<ConnectionBanner />)).toBe('');
  });
});
