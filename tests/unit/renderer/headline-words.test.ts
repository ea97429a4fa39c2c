// The words the Overview headline and the sidebar share, so the two never disagree.
import { describe, expect, it } from 'vitest';
import type { NodeStateDto, ServingDto } from '../../../src-main/contract/index.js';
import { headlineWords } from '../../../src-renderer/src/lib/node-state-words.js';

const serving = (over: Partial<ServingDto>): ServingDto => ({
  serving: true,
  phase: 'serving',
  headline: 'Serving jobs',
  reasons: [],
  ...over,
});

const node = (state: NodeStateDto['state'], s?: ServingDto) =>
  ({ state, ...(s ? { serving: s } : {}) }) as Pick<NodeStateDto, 'state' | 'pause' | 'serving'>;

describe('headlineWords', () => {
  it('calls the model load at start "Starting the runtime", not "Degraded"', () => {
    const w = headlineWords(
      node('degraded', serving({ serving: false, phase: 'runtime_starting' })),
    );
    expect(w).toMatchObject({ title: 'Starting the runtime', tone: 'busy', warming: true });
  });

  it('does not call an active node the network sends nothing "serving"', () => {
    const w = headlineWords(node('active', serving({ serving: false, phase: 'not_serving' })));
    expect(w).toMatchObject({ title: 'Active — not getting jobs', tone: 'warn', warming: false });
  });

  it('keeps the state words otherwise', () => {
    expect(headlineWords(node('active', serving({}))).title).toBe('Active — serving jobs');
    expect(headlineWords(node('degraded')).title).toBe('Degraded');
  });
});
