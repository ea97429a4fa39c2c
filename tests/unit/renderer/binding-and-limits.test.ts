import { describe, expect, it } from 'vitest';
import { parseLimits } from '../../../src-renderer/src/pages/settings/ResourceLimits.js';
import {
  describeBinding,
  parseOwnerBinding,
} from '../../../src-renderer/src/lib/validate-binding.js';
import { isTransitioning, stateWords } from '../../../src-renderer/src/lib/node-state-words.js';
import { routeFromHash } from '../../../src-renderer/src/app/routes.js';

describe('account binding input', () => {
  it('accepts a wallet address or an email', () => {
    expect(parseOwnerBinding(' 0x52908400098527886E0F7030069857D2E4169EE7 ')).toEqual({
      ok: true,
      binding: { kind: 'wallet', address: '0x52908400098527886E0F7030069857D2E4169EE7' },
    });
    expect(parseOwnerBinding('ops@example.com')).toEqual({
      ok: true,
      binding: { kind: 'email', email: 'ops@example.com' },
    });
  });

  it('explains what is wrong in plain words', () => {
    const msg = (v: string) => {
      const r = parseOwnerBinding(v);
      return r.ok ? '' : r.message;
    };
    expect(msg('')).toMatch(/Enter a wallet address/);
    expect(msg('0x1234')).toBe(
      'A wallet address has 40 hexadecimal characters after 0x; this one has 4.',
    );
    expect(msg(`0x${'g'.repeat(40)}`)).toMatch(/only use 0–9 and a–f/);
    expect(msg('ops@example')).toMatch(/does not look complete/);
    expect(msg('alice')).toMatch(/starting with 0x, or an email/);
    expect(describeBinding(null)).toBe('Not bound to an account');
  });
});

describe('resource limits input', () => {
  it('reads an empty job limit as the network default', () => {
    expect(parseLimits('', '2048')).toEqual({
      ok: true,
      patch: { maxConcurrentJobs: null, gpuMemoryHeadroomMb: 2048 },
    });
    expect(parseLimits('4', '0')).toEqual({
      ok: true,
      patch: { maxConcurrentJobs: 4, gpuMemoryHeadroomMb: 0 },
    });
  });

  it('refuses out-of-range or fractional values with the field to fix', () => {
    expect(parseLimits('0', '1024')).toMatchObject({ ok: false, field: 'jobs' });
    expect(parseLimits('2.5', '1024')).toMatchObject({ ok: false, field: 'jobs' });
    expect(parseLimits('2', '-1')).toMatchObject({ ok: false, field: 'headroom' });
    expect(parseLimits('2', '')).toMatchObject({ ok: false, field: 'headroom' });
  });
});

describe('state words and routes', () => {
  it('names every state in plain words with the button it offers', () => {
    expect(stateWords('active')).toMatchObject({
      title: 'Active — serving jobs',
      action: 'stop',
      tone: 'ok',
    });
    expect(stateWords('stopped').action).toBe('start');
    expect(stateWords('draining').action).toBeNull();
    expect(isTransitioning('testing')).toBe(true);
    expect(isTransitioning('active')).toBe(false);
  });

  it('maps hashes to pages, unknown ones to the overview', () => {
    expect(routeFromHash('#/logs')).toBe('logs');
    expect(routeFromHash('#token=abc')).toBe('overview');
    expect(routeFromHash('')).toBe('overview');
  });
});
