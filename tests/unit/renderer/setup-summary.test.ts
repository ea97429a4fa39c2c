import { describe, expect, it } from 'vitest';
import type { SetupCheckDto } from '../../../src-main/contract/index.js';
import { setupSummary } from '../../../src-renderer/src/lib/setup-summary.js';

const check = (state: SetupCheckDto['state']): SetupCheckDto => ({
  id: `c-${state}`,
  label: 'x',
  state,
  detail: '',
});

describe('setupSummary never contradicts the Overview', () => {
  it('does not tell a node that serves jobs now that it cannot serve', () => {
    const failing = [check('fail'), check('pass')];
    expect(setupSummary(failing, false, { simulated: false, serving: true })).toBe(
      '1 check fails: the node serves jobs now, but its runtime may not start again until it is fixed.',
    );
    expect(setupSummary(failing, false, { simulated: false, serving: false })).toBe(
      '1 check fails: the node cannot serve until it is fixed.',
    );
    expect(setupSummary(failing, false, { simulated: true, serving: true })).toMatch(
      /SIMULATED runtime the node uses now needs none of this/,
    );
  });

  it('says ready, warnings, and not-yet-checked', () => {
    expect(setupSummary([check('pass')], false, { simulated: false, serving: false })).toBe(
      'This machine is ready to serve inference.',
    );
    expect(setupSummary([check('warn')], false, { simulated: false, serving: false })).toMatch(
      /1 warning worth a look/,
    );
    expect(setupSummary([], true, { simulated: false, serving: false })).toBe(
      'Checking this machine…',
    );
  });
});
