// @vitest-environment happy-dom
// Pages rendered into a DOM (react-dom/client in happy-dom) from the real zustand stores, filled
// through the real wiring and a fake bridge: what the operator reads in each state.
import { act, type ReactElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionBanner } from '../../../src-renderer/src/app/ConnectionBanner.js';
import { GpuPage } from '../../../src-renderer/src/pages/GpuPage.js';
import { JobsPage } from '../../../src-renderer/src/pages/JobsPage.js';
import { LogsPage } from '../../../src-renderer/src/pages/LogsPage.js';
import { ModelsPage } from '../../../src-renderer/src/pages/ModelsPage.js';
import { OverviewPage } from '../../../src-renderer/src/pages/OverviewPage.js';
import { SettingsPage } from '../../../src-renderer/src/pages/SettingsPage.js';
import { SetupPage } from '../../../src-renderer/src/pages/SetupPage.js';
import { setBridge } from '../../../src-renderer/src/stores/bridge-ref.js';
import { useConnectionStore } from '../../../src-renderer/src/stores/connection-store.js';
import { applySnapshot } from '../../../src-renderer/src/stores/wire-stores.js';
import { FakeBridge, line, snapshot } from './fake-bridge.js';
import { resetAllStores } from './reset-stores.js';

// Tells React this is a test environment, so act() flushes renders and effects.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const mounted: Root[] = [];

/** Mounts `element` in a fresh container and returns the container (it follows store changes). */
async function mount(element: ReactElement): Promise<HTMLElement> {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  mounted.push(root);
  await act(async () => root.render(element));
  return container;
}

async function rendered(element: ReactElement): Promise<string> {
  return (await mount(element)).innerHTML;
}

/** Applies a store change the way a pushed event does, and lets React re-render. */
async function update(change: () => void): Promise<void> {
  await act(async () => change());
}

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

beforeEach(() => resetAllStores({ schedule: () => undefined }));

afterEach(async () => {
  for (const root of mounted.splice(0)) await act(async () => root.unmount());
  document.body.replaceChildren();
  resetAllStores();
});

describe('pages', async () => {
  it('Overview: state in plain words, SIMULATED badge, key warning, Start button', async () => {
    const base = snapshot();
    applySnapshot(
      snapshot({
        node: {
          ...base.node,
          state: 'degraded',
          reason: 'The inference runtime stopped responding; restarting it.',
          keyProtection: {
            kind: 'weak',
            summary: 'A secret file next to the key: anyone who copies this folder has the key.',
            warning: 'The system keyring stores the key passphrase in plain text.',
          },
        },
      }),
    );
    const out = text(await rendered(<OverviewPage />));
    expect(out).toContain('Degraded');
    expect(out).toContain('The inference runtime stopped responding; restarting it.');
    expect(out).toContain('SIMULATED runtime');
    expect(out).toContain('Your node key is weakly protected');
    expect(out).toContain('Stop node');
    expect(out).toContain('0xabc');
    expect(out).toContain('Local devnet');
  });

  it('Overview: a stopped node offers Start and no SIMULATED badge on a real runtime', async () => {
    const base = snapshot();
    applySnapshot(
      snapshot({ node: { ...base.node, runtime: { ...base.node.runtime, simulated: false } } }),
    );
    const out = text(await rendered(<OverviewPage />));
    expect(out).toContain('Start node');
    expect(out).not.toContain('SIMULATED');
    expect(out).toContain('Not running');
  });

  it('GPU: explains when this machine has no usable NVIDIA GPU', async () => {
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
    const out = text(await rendered(<GpuPage />));
    expect(out).toContain('No usable NVIDIA GPU found');
    expect(out).toContain('nvidia-smi is not installed');
    expect(out).toContain('The node needs an NVIDIA GPU visible to Docker to serve inference');
    expect(out).toContain('Open the setup check');
    expect(out).not.toContain('SIMULATED');
  });

  it('GPU: a probe still running or no GPU source is not "cannot serve"', async () => {
    const checking = { available: false, reason: 'Looking for NVIDIA GPUs…', gpus: [] };
    applySnapshot(snapshot({ gpu: { ...checking, probe: 'checking' } }));
    const page = await mount(<GpuPage />);
    let out = text(page.innerHTML);
    expect(out).toContain('Looking for NVIDIA GPUs…');
    expect(out).not.toMatch(/cannot serve|No usable NVIDIA GPU/);
    await update(() =>
      applySnapshot(
        snapshot({
          gpu: {
            available: false,
            reason: 'This node does not read GPU information.',
            gpus: [],
            probe: 'unknown',
          },
        }),
      ),
    );
    out = text(page.innerHTML);
    expect(out).toContain('No GPU information');
    expect(out).toContain('This node does not read GPU information.');
    expect(out).not.toMatch(/cannot serve|No usable NVIDIA GPU/);
  });

  it('GPU: says plainly that jobs run on a SIMULATED runtime', async () => {
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
    const out = text(await rendered(<GpuPage />));
    expect(out).toContain('Jobs run on a SIMULATED runtime');
    expect(out).toContain('which uses no GPU');
    expect(out).toContain('No usable NVIDIA GPU found');
    expect(out).toContain('To serve real inference the node needs an NVIDIA GPU');
  });

  it('GPU: a card with four charts per GPU', async () => {
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
    const html = await rendered(<GpuPage />);
    expect(text(html)).toContain('GPU 0 · RTX 4090');
    expect(html.match(/role="img"/g)).toHaveLength(4);
    expect(text(html)).toContain('of 24.0 GiB');
  });

  it('Jobs: an empty state that says what to do, then a table', async () => {
    applySnapshot(snapshot());
    const page = await mount(<JobsPage />);
    expect(text(page.innerHTML)).toContain('Start the node on the Overview page');
    await update(() =>
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
      ),
    );
    const html = page.innerHTML;
    const out = text(html);
    // Short IDs whole; the full ID is always in the tooltip.
    expect(out).toContain('job-1234567890abcdef');
    expect(html).toContain('title="job-1234567890abcdef"');
    expect(out).toContain('Failed');
    expect(out).toContain('The runtime closed the stream early');
    expect(out).toContain('1.5 s');
    expect(out).toContain('test');
  });

  it('Models: progress with bytes and ETA, verification mismatch with its detail', async () => {
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
    const html = await rendered(<ModelsPage />);
    const out = text(html);
    expect(out).toContain('512 MiB of 2.0 GiB');
    expect(out).toContain('2 min left');
    expect(out).toContain('Checksum mismatch');
    expect(out).toContain('sha256 differs for shard 2');
    expect(html).toContain('aria-valuenow="25"');
  });

  it('Setup: each failing check shows its fix', async () => {
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
    const out = text(await rendered(<SetupPage />));
    expect(out).toContain('1 check fails');
    expect(out).toContain('How to fix: Start Docker Desktop, then run the checks again.');
    expect(out).not.toContain('never shown');
    expect(out).toContain('Run checks again');
  });

  it('Setup: the first visit runs the checks once and says so; a failed run offers "Run checks"', async () => {
    applySnapshot(snapshot({ setup: [] }));
    let fail: (err: Error) => void = () => {};
    const bridge = new FakeBridge().handle(
      'checkSetup',
      () => new Promise((_, reject) => (fail = reject)) as never,
    );
    setBridge(bridge);
    const page = await mount(<SetupPage />);
    expect(bridge.calls.map((c) => c.command)).toEqual(['checkSetup']);
    expect(text(page.innerHTML)).toContain('Checking this machine…');
    await update(() => fail(new Error('Docker did not answer.')));
    const out = text(page.innerHTML);
    expect(out).toContain('The checks could not run');
    expect(out).toContain('Docker did not answer.');
    expect(out).toContain('Run checks');
    expect(out).not.toContain('Run checks again');
  });

  it('Setup: a host without checks says so after its run, and offers "Run checks again"', async () => {
    applySnapshot(snapshot({ setup: [] }));
    const bridge = new FakeBridge().handle('checkSetup', () => []);
    setBridge(bridge);
    const page = await mount(<SetupPage />);
    await update(() => undefined);
    const out = text(page.innerHTML);
    expect(bridge.calls).toHaveLength(1);
    expect(out).toContain('This node reports no setup checks.');
    expect(out).toContain('Run checks again');
  });

  it('Settings: every setting, the data folder read-only, and the key backup warning', async () => {
    applySnapshot(snapshot({ host: 'desktop' }));
    const out = text(await rendered(<SettingsPage />));
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

  it('Settings on a headless node: no desktop-only toggles, the network set on the command line', async () => {
    applySnapshot(snapshot({ host: 'headless' }));
    const html = await rendered(<SettingsPage />);
    const out = text(html);
    for (const hidden of [
      'Start the app when you log in',
      'Keep the computer awake',
      'Install updates automatically',
    ]) {
      expect(out).not.toContain(hidden);
    }
    // The only switches on a headless node are the pause triggers it can run ("When to pause").
    const outsidePauseTriggers = html.replace(
      /<section class="card"><header class="card-header"><div><h2 class="card-title">When to pause<\/h2>[\s\S]*?<\/section>/,
      '',
    );
    expect(outsidePauseTriggers).not.toContain('When to pause');
    expect(outsidePauseTriggers).toContain('Theme');
    expect(outsidePauseTriggers).not.toContain('type="checkbox"');
    expect(html).toContain('data-testid="desktop-triggers-note"');
    expect(out).toContain('belong to the desktop app');
    expect(out).toContain('Set with --profile when starting the node.');
    expect(out).toContain('Local devnet — for development');
    expect(out).toContain('Set with --data-dir when starting the node.');
    expect(html).not.toContain('id="network"');
    expect(out).toContain('Theme');
  });

  it('Logs: empty state, then a count of lines', async () => {
    applySnapshot(snapshot());
    const page = await mount(<LogsPage />);
    expect(text(page.innerHTML)).toContain('No log lines yet');
    await update(() => applySnapshot(snapshot({ logs: [line(0), line(1), line(2)] })));
    expect(text(page.innerHTML)).toContain('3 lines');
  });

  it('Connection banner: says the node service is unreachable and when it retries', async () => {
    useConnectionStore.setState({
      status: { kind: 'reconnecting', attempt: 1, retryAt: Date.now() + 3000, reason: '' },
    });
    const banner = await mount(<ConnectionBanner />);
    expect(text(banner.innerHTML)).toMatch(
      /Can't reach the node service\. Is it still running\? Retrying in 3 s…/,
    );
    await update(() => useConnectionStore.setState({ status: { kind: 'connected' } }));
    expect(banner.innerHTML).toBe('');
  });
});
