import type { NodeStateDto, NodeStateName } from '../../../src-main/contract/index.js';

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

/** A running node its operator paused (by hand or a trigger: a game, the schedule, heat…). */
export function isPausedNode(node: Pick<NodeStateDto, 'state' | 'pause'>): boolean {
  const running = !['stopped', 'not_initialised', 'initialised'].includes(node.state);
  const p = node.pause;
  return running && !!p && (p.requests.length > 0 || p.phase !== 'serving');
}

const PAUSE_TITLES = {
  pausing: 'Pausing — jobs finish, then the runtime stops',
  paused: 'Paused',
  resuming: 'Resuming — starting the runtime',
} as const;

/** The state words, with an operator pause shown as such (not as "Stopping"). */
export function nodeWords(node: Pick<NodeStateDto, 'state' | 'pause'>): StateWords {
  if (!isPausedNode(node)) return stateWords(node.state);
  const phase = node.pause?.phase;
  const title = phase && phase !== 'serving' ? PAUSE_TITLES[phase] : 'Paused';
  return { title, tone: 'warn', action: 'stop' };
}

/**
 * The words the Overview headline and the sidebar both show: the model loading at start is
 * "Starting the runtime" (normal, not a fault), and an active node the network sends nothing
 * (out of its rotation) is not called "serving".
 */
export function headlineWords(
  node: Pick<NodeStateDto, 'state' | 'pause' | 'serving'>,
): StateWords & { warming: boolean } {
  const words = nodeWords(node);
  const warming = node.serving?.phase === 'runtime_starting';
  if (warming) return { ...words, title: 'Starting the runtime', tone: 'busy', warming };
  if (node.state === 'active' && node.serving?.serving === false) {
    return { ...words, title: 'Active — not getting jobs', tone: 'warn', warming };
  }
  return { ...words, warming };
}
