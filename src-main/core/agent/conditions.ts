import type { AgentStateName, NodeStatus } from '../protocol/index.js';

/** Things that make a registered node `degraded`, each with a reason in plain words. */
export type Problem =
  'runtime' | 'link' | 'heartbeat' | 'config' | 'node_status' | 'clock' | 'journal';

/** Order in which problems are named when several are present (most actionable first). */
const PRIORITY: readonly Problem[] = [
  'clock',
  'journal',
  'node_status',
  'heartbeat',
  'link',
  'runtime',
  'config',
];

export class Conditions {
  private readonly problems = new Map<Problem, string>();

  set(problem: Problem, reason: string): void {
    this.problems.set(problem, reason);
  }

  clear(problem: Problem): void {
    this.problems.delete(problem);
  }

  has(problem: Problem): boolean {
    return this.problems.has(problem);
  }

  get size(): number {
    return this.problems.size;
  }

  /** Every problem with its reason, most actionable first. */
  entries(): { problem: Problem; reason: string }[] {
    return PRIORITY.flatMap((problem) => {
      const reason = this.problems.get(problem);
      return reason === undefined ? [] : [{ problem, reason }];
    });
  }

  /** The first problem by priority, with how many others there are. */
  headline(): string | null {
    for (const p of PRIORITY) {
      const reason = this.problems.get(p);
      if (reason !== undefined) {
        const others = this.problems.size - 1;
        return others > 0
          ? `${reason} (and ${others} more problem${others > 1 ? 's' : ''})`
          : reason;
      }
    }
    return null;
  }
}

/**
 * The state a registered, running node should be in, given the network's view, the problems,
 * a runtime still warming up (which an active node cannot serve through), and a pause the
 * network asked for (drain: the node serves nothing until it reconnects).
 */
export function onlineState(
  status: NodeStatus | null,
  conditions: Conditions,
  warmup: string | null = null,
  paused: string | null = null,
): { name: AgentStateName; reason: string } {
  if (paused) return { name: 'draining', reason: paused };
  const problem = conditions.headline();
  if (problem) return { name: 'degraded', reason: problem };
  if (status === 'active') {
    return warmup
      ? { name: 'degraded', reason: warmup }
      : { name: 'active', reason: 'serving jobs for the network' };
  }
  return {
    name: 'testing',
    reason: warmup
      ? `registered; ${warmup.replace(/\.$/, '')}; the network’s test task follows once it is ready`
      : 'registered; waiting for the network’s test task to prove this node can serve',
  };
}
