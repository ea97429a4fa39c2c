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
import { useSetupStore } from '../../../src-renderer/src/stores/setup-store.js';
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

  it('GPU: explains when this machine has no usable NVIDIA GPU', () => {
    const base = snapshot();
    applySnapshot(
      snapshot({
        node: { ...base.node, runtime: { ...base.node.runtime, simulated: false } },
        gpu: {
          available: false,
          reason: 'No NVIDIA GPU was found (nvidia-smi is not installed).',
          gpus: [],
          probe: 'checked',
        },
      }),
    );
    const out = text(renderToString(<GpuPage />));
    expect(out).toContain('No usable NVIDIA GPU found');
    expect(out).toContain('nvidia-smi is not installed');
    expect(out).toContain('The node needs an NVIDIA GPU visible to Docker to serve inference');
    expect(out).toContain('Open the setup check');
    expect(out).not.toContain('SIMULATED');
  });

  it('GPU: a probe still running or no GPU source is not "cannot serve"', () => {
    const checking = { available: false, reason: 'Looking for NVIDIA GPUs…', gpus: [] };
    applySnapshot(snapshot({ gpu: { ...checking, probe: 'checking' } }));
    let out = text(renderToString(<GpuPage />));
    expect(out).toContain('Looking for NVIDIA GPUs…');
    expect(out).not.toMatch(/cannot serve|No usable NVIDIA GPU/);
    applySnapshot(
      snapshot({
        gpu: {
          available: false,
          reason: 'This node does not read GPU information.',
          gpus: [],
          probe: 'unknown',
        },
      }),
    );
    out = text(renderToString(<GpuPage />));
    expect(out).toContain('No GPU information');
    expect(out).toContain('This node does not read GPU information.');
    expect(out).not.toMatch(/cannot serve|No usable NVIDIA GPU/);
  });

  it('GPU: says plainly that jobs run on a SIMULATED runtime', () => {
    applySnapshot(
      snapshot({
        gpu: {
          available: false,
          reason: 'No NVIDIA driver was found (nvidia-smi is missing).',
          gpus: [],
          probe: 'checked',
        },
      }),
    );
    const out = text(renderToString(<GpuPage />));
    expect(out).toContain('Jobs run on a SIMULATED runtime');
    expect(out).toContain('which uses no GPU');
    expect(out).toContain('No usable NVIDIA GPU found');
    expect(out).toContain('To serve real inference the node needs an NVIDIA GPU');
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
    const html = renderToString(<JobsPage />);
    const out = text(html);
    // Short IDs whole; the full ID is always in the tooltip.
    expect(out).toContain('job-1234567890abcdef');
    expect(html).toContain('title="job-1234567890abcdef"');
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

  it('Setup: before the first run the button says "Run checks"; a run in flight says so', () => {
    applySnapshot(snapshot({ setup: [] }));
    useSetupStore.setState({ running: false, ran: false, error: null });
    let out = text(renderToString(<SetupPage />));
    expect(out).toContain('Run checks');
    expect(out).not.toContain('Run checks again');
    useSetupStore.setState({ running: true });
    out = text(renderToString(<SetupPage />));
    expect(out).toContain('Checking this machine…');
    useSetupStore.setState({ running: false });
  });

  it('Settings: every setting, the data folder read-only, and the key backup warning', () => {
    applySnapshot(snapshot({ host: 'desktop' }));
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

  it('Settings on a headless node: no desktop-only toggles, the network set on the command line', () => {
    applySnapshot(snapshot({ host: 'headless' }));
    const html = renderToString(<SettingsPage />);
    const out = text(html);
    for (const hidden of [
      'Start the app when you log in',
      'Keep the computer awake',
      'Install updates automatically',
    ]) {
      expect(out).not.toContain(hidden);
    }
    expect(html).not.toContain('type="checkbox"');
    expect(out).toContain('belong to the desktop app');
    expect(out).toContain('Set with --profile when starting the node.');
    expect(out).toContain('Local devnet — for development');
    expect(out).toContain('Set with --data-dir when starting the node.');
    expect(html).not.toContain('id="network"');
    expect(out).toContain('Theme');
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
