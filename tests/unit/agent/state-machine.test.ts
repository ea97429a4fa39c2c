import { describe, expect, it } from 'vitest';
import {
  AgentStateMachine,
  IllegalTransitionError,
  TRANSITIONS,
  canTransition,
} from '../../../src-main/core/agent/state-machine.js';
import { AgentStateName } from '../../../src-main/core/protocol/index.js';

const STATES = AgentStateName.options;

/** Drives a fresh machine into `state` along allowed moves. */
function machineIn(state: AgentStateName): AgentStateMachine {
  const paths: Record<AgentStateName, AgentStateName[]> = {
    not_initialised: [],
    initialised: ['initialised'],
    registering: ['initialised', 'registering'],
    testing: ['initialised', 'registering', 'testing'],
    active: ['initialised', 'registering', 'testing', 'active'],
    degraded: ['initialised', 'registering', 'testing', 'active', 'degraded'],
    draining: ['initialised', 'draining'],
    stopped: ['initialised', 'draining', 'stopped'],
  };
  const m = new AgentStateMachine(() => 0);
  for (const s of paths[state]) m.transition(s, `to ${s}`);
  return m;
}

describe('AgentStateMachine', () => {
  it('follows the lifecycle path start → registering → testing → active ⇄ degraded → draining → stopped', () => {
    const m = new AgentStateMachine(() => 1);
    const seen: string[] = [];
    m.onChange(({ state }) => seen.push(state.name));
    for (const s of [
      'initialised',
      'registering',
      'testing',
      'active',
      'degraded',
      'active',
      'draining',
      'stopped',
    ] as const) {
      m.transition(s, `because ${s}`);
    }
    expect(seen).toEqual([
      'initialised',
      'registering',
      'testing',
      'active',
      'degraded',
      'active',
      'draining',
      'stopped',
    ]);
    expect(m.state.reason).toBe('because stopped');
  });

  it.each(STATES.flatMap((from) => STATES.map((to) => [from, to] as const)))(
    '%s → %s is allowed exactly when the table says so',
    (from, to) => {
      const m = machineIn(from);
      const allowed = from === to ? from !== 'stopped' : TRANSITIONS[from].includes(to);
      expect(canTransition(from, to)).toBe(allowed);
      if (allowed) {
        m.transition(to, 'new reason');
        expect(m.name).toBe(to);
      } else {
        expect(() => m.transition(to, 'new reason')).toThrow(IllegalTransitionError);
        expect(m.name).toBe(from);
      }
    },
  );

  it('never leaves stopped, and only reaches stopped through draining once started', () => {
    expect(TRANSITIONS.stopped).toEqual([]);
    for (const s of ['registering', 'testing', 'active', 'degraded'] as const) {
      expect(TRANSITIONS[s]).not.toContain('stopped');
      expect(TRANSITIONS[s]).toContain('draining');
    }
  });

  it('emits a reason change in the same state, but not a repeat of the same reason', () => {
    let t = 10;
    const m = new AgentStateMachine(() => t);
    const events: [string, string][] = [];
    const sub = m.onChange(({ state: s, previous }) =>
      events.push([previous.name, `${s.name}: ${s.reason}`]),
    );
    m.transition('initialised', 'ready');
    t = 20;
    m.transition('initialised', 'ready');
    m.transition('initialised', 'still ready, new words');
    expect(events).toEqual([
      ['not_initialised', 'initialised: ready'],
      ['initialised', 'initialised: still ready, new words'],
    ]);
    expect(m.state.since).toBe(20);
    sub.dispose();
    m.transition('registering', 'x');
    expect(events).toHaveLength(2);
  });
});
