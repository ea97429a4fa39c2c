import { Emitter, type Event } from '../base/event.js';
import type { Logger } from '../logger.js';
import type { NodeStatus, RotationView } from '../protocol/index.js';
import { Conditions, onlineState, type Problem } from './conditions.js';
import type { AgentStateMachine } from './state-machine.js';

/** Everything that decides whether the node gets jobs, as the node knows it now. */
export interface HealthView {
  /** The network's status of this node (null: not registered yet in this run). */
  networkStatus: NodeStatus | null;
  /** The network's rotation view from the last heartbeat answer that carried one, and when. */
  rotation: { view: RotationView; at: number } | null;
  /** Local problems, most actionable first. */
  problems: { problem: Problem; reason: string }[];
  /** The runtime is starting or loading its model. */
  warmup: string | null;
  /** The network asked the node to pause (drain). */
  paused: string | null;
  /** The operator (or one of the operator's pause triggers) paused the node. */
  operatorPaused?: string | null;
}

/**
 * What a registered node's state follows: the network's view of it (`NodeStatus`) and the
 * local problems. While the node is online every change re-derives the state; otherwise
 * (registering, draining) the lifecycle code owns the state and this only records.
 */
export class NodeHealth {
  private readonly conditions = new Conditions();
  private status: NodeStatus | null = null;
  private warmup: string | null = null;
  private paused: string | null = null;
  private rotation: HealthView['rotation'] = null;
  private readonly viewChanged = new Emitter<HealthView>();
  /** Fires after any change of the view (including ones that leave the state as it was). */
  readonly onView: Event<HealthView> = this.viewChanged.event;
  private operatorPaused: string | null = null;

  constructor(
    private readonly machine: AgentStateMachine,
    private readonly online: () => boolean,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  view(): HealthView {
    return {
      networkStatus: this.status,
      rotation: this.rotation,
      problems: this.conditions.entries(),
      warmup: this.warmup,
      paused: this.paused,
      operatorPaused: this.operatorPaused,
    };
  }

  /** The rotation view of a heartbeat answer (null when the network sends none). */
  setRotation(view: RotationView | null): void {
    this.rotation = view ? { view, at: this.now() } : null;
    this.viewChanged.fire(this.view());
  }

  get nodeStatus(): NodeStatus | null {
    return this.status;
  }

  /** Sets (reason) or clears (null) a problem, then re-derives the state. */
  set(problem: Problem, reason: string | null): void {
    if (reason === null) this.conditions.clear(problem);
    else this.conditions.set(problem, reason);
    this.recompute();
  }

  clear(...problems: Problem[]): void {
    for (const p of problems) this.conditions.clear(p);
    this.recompute();
  }

  /** The runtime is starting or loading (not a problem, but not serving either). */
  setWarmup(reason: string | null): void {
    this.warmup = reason;
    this.recompute();
  }

  /** The network drained the node (serving nothing until it reconnects), or null when over. */
  setPaused(reason: string | null): void {
    this.paused = reason;
    this.recompute();
  }

  /** The operator paused the node (the reason leads the network's own pause), or null. */
  setOperatorPaused(reason: string | null): void {
    this.operatorPaused = reason;
    this.recompute();
  }

  /** Records the status without deriving a state (restored from disk before going online). */
  restore(status: NodeStatus): void {
    this.status = status;
  }

  setNodeStatus(status: NodeStatus, reason?: string): void {
    if (status !== this.status) {
      this.log.info(`The network reports this node as ${status}${reason ? `: ${reason}` : ''}.`);
    }
    this.status = status;
    if (status === 'excluded' || status === 'suspended') {
      this.conditions.set(
        'node_status',
        `the network has ${status} this node${reason ? `: ${reason}` : ''}`,
      );
    } else {
      this.conditions.clear('node_status');
    }
    this.recompute();
  }

  recompute(): void {
    if (this.online()) {
      const next = onlineState(
        this.status,
        this.conditions,
        this.warmup,
        this.operatorPaused ?? this.paused,
      );
      this.machine.transition(next.name, next.reason);
    }
    this.viewChanged.fire(this.view());
  }
}
