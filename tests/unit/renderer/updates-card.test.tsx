// @vitest-environment happy-dom
// The Overview's Updates card: "Update available: vX" with how this copy gets it, and the runtime
// image change in plain words — words built by the service (updates-view.ts), as the node sends them.
import { afterEach, describe, expect, it } from 'vitest';
import { HEADLESS_AGENT_UPDATE, runtimeUpdateDto } from '../../../src-main/service/updates-view.js';
import { UpdatesCard } from '../../../src-renderer/src/pages/overview/UpdatesCard.js';
import { mount as render, unmountAll } from './mount.js';

afterEach(async () => {
  await unmountAll();
});

const digest = `sha256:${'b'.repeat(64)}`;

describe('UpdatesCard', () => {
  it('shows nothing while there is nothing to update', async () => {
    const el = await render(
      <UpdatesCard
        updates={{ agent: { current: '0.1.0', available: null, howTo: '' }, runtime: null }}
      />,
    );
    expect(el.textContent).toBe('');
  });

  it('says "Update available: vX" and how this (headless) copy gets it', async () => {
    const el = await render(
      <UpdatesCard
        updates={{
          agent: {
            current: '0.1.0',
            available: '0.2.0',
            howTo: HEADLESS_AGENT_UPDATE.howTo('0.2.0'),
          },
          runtime: null,
        }}
      />,
    );
    const line = el.querySelector('[data-testid="agent-update"]')!.textContent!;
    expect(line).toContain('Update available: v0.2.0');
    expect(line).toContain('this node runs v0.1.0');
    expect(line).toContain('This node does not update itself: install 0.2.0');
  });

  it('tells a rolled-back runtime image in plain words, with the reason', async () => {
    const el = await render(
      <UpdatesCard
        updates={{
          agent: { current: '0.1.0', available: null, howTo: '' },
          runtime: runtimeUpdateDto({
            digest,
            state: 'rolled_back',
            error: 'the test inference on the new image failed: HTTP 500',
            since: 1,
          }),
        }}
      />,
    );
    const line = el.querySelector('[data-testid="runtime-update"]')!.textContent!;
    expect(line).toContain(
      'failed its test, so the node went back to the previous image and keeps serving',
    );
    expect(line).toContain('Reason: the test inference on the new image failed: HTTP 500.');
    expect(el.querySelector('[data-testid="agent-update"]')).toBeNull();
  });
});
