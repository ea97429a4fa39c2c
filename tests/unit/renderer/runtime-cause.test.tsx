// @vitest-environment happy-dom
// The raw GPU/driver error behind a runtime failure (RuntimeStatus.cause) as the operator finds
// it: the plain detail first, the raw text folded away behind "Details" — on the Overview's
// Runtime line and in the runtime reason of "What decides whether this node gets jobs".
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeStateDto } from '../../../src-main/contract/index.js';
import { servingSummary } from '../../../src-main/core/status/serving-summary.js';
import { runtimeDto } from '../../../src-main/service/runtime-view.js';
import { RuntimeLine } from '../../../src-renderer/src/pages/overview/RuntimeLine.js';
import { ServingPanel } from '../../../src-renderer/src/pages/overview/ServingPanel.js';
import { mount as render, unmountAll } from './mount.js';

afterEach(async () => {
  await unmountAll();
});

const DETAIL =
  'The NVIDIA driver on this computer does not answer. Restart the computer; if that does not help, reinstall the driver.';
const RAW =
  'docker: Error response from daemon: failed to create task for container: nvidia-container-cli: initialization error: nvml error: driver/library version mismatch';
const failed = {
  kind: 'docker-vllm',
  state: 'failed' as const,
  detail: DETAIL,
  version: null,
  servedModels: [],
  simulated: false,
  cause: RAW,
};

describe('the runtime’s raw error behind Details', () => {
  it('reaches the UI state from the runtime status, and is left out when there is none', () => {
    expect(runtimeDto(failed)).toEqual({
      kind: 'docker-vllm',
      state: 'failed',
      detail: DETAIL,
      simulated: false,
      cause: RAW,
    });
    const { cause: _none, ...ok } = failed;
    expect(runtimeDto({ ...ok, state: 'ready', detail: 'Serving.' })).not.toHaveProperty('cause');
  });

  it('Overview Runtime line: state and plain detail in view, the raw error folded behind Details', async () => {
    const el = await render(<RuntimeLine runtime={runtimeDto(failed)} />);
    expect(el.textContent).toContain(DETAIL);
    const details = el.querySelector<HTMLDetailsElement>('[data-testid="runtime-cause"]')!;
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')!.textContent).toBe('Details');
    expect(details.querySelector('pre')!.textContent).toBe(RAW);
    // Only the raw error is folded: the plain sentence is not repeated inside.
    expect(details.textContent).not.toContain(DETAIL);
  });

  it('Overview Runtime line: no Details without a raw error', async () => {
    const rt: NodeStateDto['runtime'] = { ...runtimeDto(failed) };
    delete rt.cause;
    const el = await render(<RuntimeLine runtime={rt} />);
    expect(el.textContent).toContain(DETAIL);
    expect(el.querySelector('details')).toBeNull();
  });

  it('the runtime reason keeps the raw error in its Details', async () => {
    const serving = servingSummary({
      state: { name: 'degraded', reason: DETAIL },
      health: {
        networkStatus: 'active',
        rotation: null,
        problems: [{ problem: 'runtime', reason: DETAIL }],
        warmup: null,
        paused: null,
      },
      owner: null,
      benchmark: null,
      runtimeCause: RAW,
      now: 0,
    });
    const el = await render(<ServingPanel serving={serving} />);
    const runtime = el.querySelector('[data-reason="runtime"]')!;
    expect(runtime.getAttribute('data-state')).toBe('bad');
    const raw = runtime.querySelector('details pre')!.textContent!;
    expect(raw).toContain(DETAIL);
    expect(raw).toContain(RAW);
  });
});
