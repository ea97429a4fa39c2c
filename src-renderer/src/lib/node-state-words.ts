import type { NodeStateName } from '../../../src-main/contract/index.js';

export type Tone = 'ok' | 'warn' | 'bad' | 'busy' | 'idle';

interface StateWords {
  title: string;
  tone: Tone;
  /** What the big button does in this state; null while it must wait. */
  action: 'start' | 'stop' | null;
}

const WORDS: Record<NodeStateName, StateWords> = {
  not_initialised: { title: 'Not set up yet', tone: 'idle', action: 'start' },
  initialised: { title: 'Ready to start', tone: 'idle', action: 'start' },
  registering: { title: 'Starting — registering with the network', tone: 'busy', action: 'stop' },
  testing: { title: 'Starting — running the test task', tone: 'busy', action: 'stop' },
  active: { title: 'Active — serving jobs', tone: 'ok', action: 'stop' },
  degraded: { title: 'Degraded', tone: 'warn', action: 'stop' },
  draining: { title: 'Stopping — finishing current jobs', tone: 'busy', action: null },
  stopped: { title: 'Stopped', tone: 'idle', action: 'start' },
};

export function stateWords(state: NodeStateName): StateWords {
  return WORDS[state] ?? { title: state, tone: 'idle', action: null };
}

/** States in which the node is on its way somewhere: the button shows a spinner. */
export function isTransitioning(state: NodeStateName): boolean {
  return state === 'registering' || state === 'testing' || state === 'draining';
}
