import { Emitter, type EmitterOptions, type Event } from '../base/event.js';
import type { AgentStateName } from '../protocol/index.js';

/**
 * Every allowed move of the node's lifecycle. Staying in the same state with a new reason is
 * always allowed (except once stopped); anything not listed here throws.
 */
export const TRANSITIONS: Readonly<Record<AgentStateName, readonly AgentStateName[]>> = {
  not_initialised: ['initialised', 'stopped'],
  initialised: ['registering', 'testing', 'active', 'degraded', 'draining', 'stopped'],
  registering: ['testing', 'active', 'degraded', 'draining'],
  testing: ['active', 'degraded', 'registering', 'draining'],
  active: ['degraded', 'testing', 'registering', 'draining'],
  degraded: ['active', 'testing', 'registering', 'draining'],
  // The network's drain pauses the node; a new session resumes it (docs/PROTOCOL.md).
  draining: ['active', 'degraded', 'testing', 'stopped'],
  stopped: [],
};

export interface AgentState {
  name: AgentStateName;
  /** Plain words: why the node is in this state (shown in the UI and sent in heartbeats). */
  reason: string;
  /** When this state (or reason) was entered. */
  since: number;
}

export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  constructor(
    readonly from: AgentStateName,
    readonly to: AgentStateName,
  ) {
    super(`The node cannot go from "${from}" to "${to}".`);
  }
}

export function canTransition(from: AgentStateName, to: AgentStateName): boolean {
  if (from === to) return from !== 'stopped';
  return TRANSITIONS[from].includes(to);
}

export interface AgentStateChange {
  state: AgentState;
  previous: AgentState;
}

/** The lifecycle state with its reason; `onChange` fires with the new and the previous state. */
export class AgentStateMachine {
  private current: AgentState;
  private readonly changed: Emitter<AgentStateChange>;
  readonly onChange: Event<AgentStateChange>;

  constructor(
    private readonly now: () => number,
    options: EmitterOptions = {},
  ) {
    this.changed = new Emitter(options);
    this.onChange = this.changed.event;
    this.current = {
      name: 'not_initialised',
      reason: 'the node has not started yet',
      since: now(),
    };
  }

  get state(): AgentState {
    return this.current;
  }

  get name(): AgentStateName {
    return this.current.name;
  }

  /** Moves to `to` with `reason`; a no-op when nothing changes. Throws on an illegal move. */
  transition(to: AgentStateName, reason: string): void {
    const from = this.current;
    if (!canTransition(from.name, to)) throw new IllegalTransitionError(from.name, to);
    if (from.name === to && from.reason === reason) return;
    this.current = { name: to, reason, since: this.now() };
    this.changed.fire({ state: this.current, previous: from });
  }
}
