import { describe, expect, it } from 'vitest';
import type { HealthView } from '../../../src-main/core/agent/health.js';
import {
  servingSummary,
  type ServingInput,
} from '../../../src-main/core/status/serving-summary.js';

const NOW = 1_763_800_000_000;
const healthy: HealthView = {
  networkStatus: 'active',
  rotation: { view: { in_rotation: true, deprioritised: null }, at: NOW },
  problems: [],
  warmup: null,
  paused: null,
};
const input = (
  over: Partial<ServingInput> = {},
  health: Partial<HealthView> = {},
): ServingInput => ({
  state: { name: 'active', reason: 'serving jobs for the network' },
  health: { ...healthy, ...health },
  owner: null,
  benchmark: { tokensPerSecond: 41.25 },
  now: NOW,
  ...over,
});
const byId = (s: ReturnType<typeof servingSummary>, id: string) =>
  s.reasons.find((r) => r.id === id);

describe('servingSummary', () => {
  it('says "Serving jobs" with every reason ok, the test benchmark and the owner', () => {
    const s = servingSummary(
      input({ owner: { state: 'ok', text: 'Bound to 0x12ab…cdef (verified).' } }),
    );
    expect(s).toMatchObject({ serving: true, phase: 'serving', headline: 'Serving jobs' });
    expect(s.reasons.map((r) => [r.id, r.state])).toEqual([
      ['registered', 'ok'],
      ['test', 'ok'],
      ['rotation', 'ok'],
      ['owner', 'ok'],
    ]);
    expect(byId(s, 'test')!.text).toContain('41.3 tok/s');
    expect(byId(s, 'owner')!.text).toBe('Bound to 0x12ab…cdef (verified).');
  });

  it('names the network’s operator hold, with its end, as the reason for no jobs', () => {
    const s = servingSummary(
      input(
        {},
        {
          rotation: {
            view: {
              in_rotation: false,
              reason: 'operator_hold',
              detail: 'maintenance window',
              until: NOW + 60_000,
            },
            at: NOW,
          },
        },
      ),
    );
    expect(s.serving).toBe(false);
    expect(s.headline).toBe(
      'Not getting jobs because the network’s operator took this node out of the rotation',
    );
    expect(byId(s, 'rotation')).toMatchObject({
      state: 'bad',
      detail: 'maintenance window',
      until: NOW + 60_000,
    });
    expect(byId(s, 'rotation')!.fix).toBeTruthy();
  });

  it('shows a deprioritisation after a missed deadline while still serving, until it ends', () => {
    const dep = { reason: 'missed a job deadline (job j1)', until: NOW + 30_000 };
    const s = servingSummary(
      input({}, { rotation: { view: { in_rotation: true, deprioritised: dep }, at: NOW } }),
    );
    expect(s.serving).toBe(true);
    expect(byId(s, 'deprioritised')).toMatchObject({ state: 'wait', detail: dep.reason });
    const later = servingSummary(
      input(
        { now: NOW + 31_000 },
        { rotation: { view: { in_rotation: true, deprioritised: dep }, at: NOW } },
      ),
    );
    expect(byId(later, 'deprioritised')).toBeUndefined();
  });

  it('reads "Starting the runtime" while the model loads, not a problem', () => {
    const s = servingSummary(
      input(
        { state: { name: 'degraded', reason: 'the inference runtime is loading: model' } },
        { warmup: 'the inference runtime is loading: model' },
      ),
    );
    expect(s.phase).toBe('runtime_starting');
    expect(s.headline).toBe(
      'Not getting jobs because the runtime is starting and loading the model',
    );
    expect(byId(s, 'runtime')).toMatchObject({ state: 'wait' });
  });

  it('turns each local problem into a cause, a fix and the raw detail, most actionable first', () => {
    const s = servingSummary(
      input(
        { state: { name: 'degraded', reason: 'x' } },
        {
          problems: [
            { problem: 'clock', reason: 'clock skew of 90 s' },
            {
              problem: 'heartbeat',
              reason: 'the last heartbeat did not get through: ECONNREFUSED',
            },
          ],
        },
      ),
    );
    expect(s.headline).toMatch(/^Not getting jobs because this computer’s clock is off/);
    const hb = byId(s, 'heartbeat')!;
    expect(hb.text).toBe('The network did not receive this node’s last heartbeat.');
    expect(hb.fix).toMatch(/internet connection/);
    expect(hb.detail).toContain('ECONNREFUSED');
  });

  it('says stopped, waiting for the test task, and that an older network sends no rotation', () => {
    const stopped = servingSummary(input({ state: { name: 'stopped', reason: '' }, health: null }));
    expect(stopped).toMatchObject({
      phase: 'stopped',
      headline: 'Not getting jobs because the node is stopped',
    });
    const testing = servingSummary(
      input(
        { state: { name: 'testing', reason: 'waiting' } },
        { networkStatus: 'pending_test', rotation: null },
      ),
    );
    expect(testing.phase).toBe('testing');
    const silent = servingSummary(input({}, { rotation: null }));
    expect(silent.serving).toBe(true);
    expect(byId(silent, 'rotation')!.state).toBe('unknown');
  });

  it('names an operator pause before the network’s own view', () => {
    const s = servingSummary(
      input(
        { state: { name: 'draining', reason: 'paused by the operator' } },
        { operatorPaused: 'paused by the operator', paused: null },
      ),
    );
    expect(s.headline).toBe(
      'Not getting jobs because this node is paused on this computer: paused by the operator',
    );
    expect(s.phase).toBe('paused');
    expect(s.reasons.find((r) => r.id === 'paused')).toMatchObject({
      state: 'wait',
      detail: 'paused by the operator',
    });
  });

  it('a pause is its own phase with its cause, so the 24 h timeline shows why', () => {
    const line = 'Paused — a game is using the GPU, resumes when it closes';
    const s = servingSummary(
      input({ state: { name: 'draining', reason: line } }, { operatorPaused: line, paused: null }),
    );
    expect(s).toMatchObject({
      serving: false,
      phase: 'paused',
      headline:
        'Not getting jobs because this node is paused on this computer: a game is using the GPU, resumes when it closes',
    });
    const resuming = servingSummary(
      input(
        { state: { name: 'draining', reason: 'resuming' } },
        { operatorPaused: 'resuming: starting the inference runtime again', paused: null },
      ),
    );
    expect(resuming.phase).toBe('paused');
    expect(resuming.headline).toBe(
      'Not getting jobs because this node is resuming after a pause: starting the inference runtime again',
    );
    // The network's own pause is not the operator's: it stays "not getting jobs".
    const network = servingSummary(
      input(
        { state: { name: 'draining', reason: 'x' } },
        { paused: 'network drain', operatorPaused: null },
      ),
    );
    expect(network.phase).toBe('not_serving');
  });
});
