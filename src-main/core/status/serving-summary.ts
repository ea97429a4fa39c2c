import type { Problem } from '../agent/conditions.js';
import type { HealthView } from '../agent/health.js';
import type { AgentStateName } from '../protocol/index.js';
import { explainProblem, explainRotation } from './explain.js';

/** ok: fine; wait: on its way (no action needed); bad: needs attention; info: not blocking. */
export type ReasonState = 'ok' | 'wait' | 'bad' | 'info' | 'unknown';

/** One line of the Overview's reason list: what it is, its state, the cause and the fix. */
export interface ServingReason {
  id: string;
  label: string;
  state: ReasonState;
  /** One sentence: the fact (ok) or the cause (otherwise). */
  text: string;
  /** One sentence: what to do (absent when nothing is needed). */
  fix?: string;
  /** The raw detail behind "Details". */
  detail?: string;
  /** When the condition ends (operator hold, deprioritisation), network clock; null: until lifted. */
  until?: number | null;
}

export type ServingPhase =
  | 'stopped'
  | 'starting'
  | 'runtime_starting'
  | 'testing'
  | 'serving'
  | 'not_serving'
  | 'paused'
  | 'stopping';

/** "Am I serving, and if not, why": one sentence and the reasons behind it. */
export interface ServingSummary {
  serving: boolean;
  phase: ServingPhase;
  headline: string;
  reasons: ServingReason[];
}

export interface ServingInput {
  state: { name: AgentStateName; reason: string };
  /** The running agent's view; null when no run exists. */
  health: HealthView | null;
  /** The owner's binding as one reason line (contract/account-words.ts); null when none is set. */
  owner: { state: ReasonState; text: string } | null;
  /** The network's test task as this node last ran it (tokens/s), when known. */
  benchmark: { tokensPerSecond: number | null } | null;
  /** The raw error behind a runtime failure (RuntimeStatus.cause), added to its "Details". */
  runtimeCause?: string | undefined;
  now: number;
}

const LABELS: Record<Problem, string> = {
  clock: 'Clock',
  journal: 'Job records',
  node_status: 'Network status',
  heartbeat: 'Heartbeat',
  link: 'Job connection',
  runtime: 'Runtime',
  config: 'Configuration',
};

const STOPPED = new Set<AgentStateName>(['stopped', 'not_initialised']);

/** The headline and reason list of the Overview, from the node's state and the network's view. */
export function servingSummary(input: ServingInput): ServingSummary {
  const { state, health } = input;
  const owner = ownerReason(input.owner);
  if (STOPPED.has(state.name) || !health) {
    if (state.name === 'initialised' || state.name === 'registering') {
      const starting = reason('running', 'Running', 'wait', 'The node is starting.');
      return summary('starting', [starting, owner]);
    }
    const stopped = reason('running', 'Running', 'bad', 'The node is stopped.', {
      fix: 'Press Start node to serve jobs.',
      ...(state.reason ? { detail: state.reason } : {}),
    });
    return summary('stopped', [stopped, owner]);
  }
  if (state.name === 'draining' && !health.paused && !health.operatorPaused) {
    const stopping = reason('running', 'Running', 'wait', 'The node is stopping.', {
      fix: 'Wait for the current jobs to finish.',
      detail: state.reason,
    });
    return summary('stopping', [stopping, owner]);
  }

  const registered = registeredReason(state, health);
  const test = testReason(health, input.benchmark);
  // An operator pause stops the runtime on purpose: that is not a runtime problem.
  const own = health.operatorPaused ? health.problems.filter((p) => p.problem !== 'runtime') : null;
  const problems = (own ?? health.problems).map(({ problem, reason: raw }) => {
    const e = explainProblem(problem, raw);
    const cause = problem === 'runtime' ? input.runtimeCause : undefined;
    const detail = cause && !raw.includes(cause) ? `${raw}\n${cause}` : raw;
    return reason(problem, LABELS[problem], 'bad', e.cause, { fix: e.fix, detail });
  });
  const warmup =
    health.warmup && !health.problems.some((p) => p.problem === 'runtime')
      ? reason('runtime', 'Runtime', 'wait', 'The runtime is starting and loading the model.', {
          fix: 'Wait: this takes a few minutes, longer the first time.',
          detail: health.warmup,
        })
      : null;
  const paused = health.operatorPaused
    ? reason('paused', 'Paused', 'wait', operatorPauseText(health.operatorPaused), {
        fix: 'A pause you set ends with Resume (Overview, or the tray on the desktop); one caused by a game, the schedule or heat ends by itself.',
        detail: health.operatorPaused,
      })
    : health.paused
      ? reason('paused', 'Paused', 'wait', 'The network asked this node to pause.', {
          fix: 'Nothing to do: the node resumes when the network reconnects it.',
          detail: health.paused,
        })
      : null;
  const [rotation, deprioritised] = rotationReasons(health, input.now);

  const serving = state.name === 'active' && !paused && (health.rotation?.view.in_rotation ?? true);
  const list = [registered, test, ...problems, warmup, paused, rotation, deprioritised, owner];
  const reasons = list.filter((r): r is ServingReason => r !== null);
  if (serving) return { serving: true, phase: 'serving', headline: 'Serving jobs', reasons };

  const order = health.operatorPaused
    ? [paused, ...problems, registered, warmup, test, rotation]
    : [...problems, paused, registered, warmup, test, rotation];
  const blocking = order.find((r) => r !== null && (r.state === 'bad' || r.state === 'wait'));
  const phase: ServingPhase =
    blocking === warmup && warmup
      ? 'runtime_starting'
      : blocking === paused && health.operatorPaused
        ? 'paused'
        : blocking === registered
          ? 'starting'
          : blocking === test
            ? 'testing'
            : 'not_serving';
  const why = blocking ? blocking.text : `${state.reason}.`;
  return { serving: false, phase, headline: `Not getting jobs because ${because(why)}`, reasons };
}

function summary(phase: ServingPhase, reasons: ServingReason[]): ServingSummary {
  const why = reasons[0]!.text;
  return { serving: false, phase, headline: `Not getting jobs because ${because(why)}`, reasons };
}

function reason(
  id: string,
  label: string,
  state: ReasonState,
  text: string,
  extra: Partial<ServingReason> = {},
): ServingReason {
  return { id, label, state, text, ...extra };
}

/** "The node is stopped." → "the node is stopped" (after "because"). */
/**
 * The operator pause as one sentence with its cause, from the agent's pause line ("Paused — a
 * game is using the GPU, resumes when it closes", or "resuming: …" while the runtime starts).
 */
function operatorPauseText(line: string): string {
  const resuming = /^resuming:\s*/i.exec(line);
  if (resuming) return `This node is resuming after a pause: ${line.slice(resuming[0].length)}.`;
  const cause = line.replace(/^Paused — /, '').replace(/\.$/, '');
  return `This node is paused on this computer: ${cause}.`;
}

function because(sentence: string): string {
  const s = sentence.replace(/\.$/, '');
  return /^(The|This) /.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

function registeredReason(state: ServingInput['state'], h: HealthView): ServingReason {
  if (h.networkStatus !== null) return reason('registered', 'Registered', 'ok', 'Registered.');
  const retrying = state.name === 'registering' && /retrying/i.test(state.reason);
  return retrying
    ? reason(
        'registered',
        'Registered',
        'bad',
        'The network did not accept the registration yet.',
        {
          fix: 'Check this computer’s internet connection; the node retries by itself.',
          detail: state.reason,
        },
      )
    : reason('registered', 'Registered', 'wait', 'The node is registering with the network.');
}

function testReason(h: HealthView, bench: ServingInput['benchmark']): ServingReason {
  const label = 'Test task';
  switch (h.networkStatus) {
    case 'active': {
      const rate = bench?.tokensPerSecond;
      const text =
        rate != null ? `Passed the network’s test (${rate.toFixed(1)} tok/s).` : 'Passed.';
      return reason('test', label, 'ok', text);
    }
    case 'pending_test':
      return reason('test', label, 'wait', 'The network’s test task has not passed yet.', {
        fix: 'Wait: the network sends it once the runtime is ready.',
      });
    case 'excluded':
    case 'suspended':
      return reason('test', label, 'info', 'The network’s status replaces the test result.');
    default:
      return reason('test', label, 'unknown', 'Not run yet.');
  }
}

function rotationReasons(h: HealthView, now: number): [ServingReason, ServingReason | null] {
  const label = 'Job rotation';
  const r = h.rotation?.view;
  if (!r) {
    const text =
      h.networkStatus === 'active'
        ? 'The network has not said yet whether it sends jobs to this node.'
        : 'Not in the rotation until the test passes.';
    return [reason('rotation', label, 'unknown', text), null];
  }
  const dep = r.deprioritised && r.deprioritised.until > now ? r.deprioritised : null;
  const deprioritised = dep
    ? reason('deprioritised', 'Priority', 'wait', 'The network serves other nodes first for now.', {
        fix: 'Nothing to do: it ends by itself; it follows a missed deadline or a refused job.',
        detail: dep.reason,
        until: dep.until,
      })
    : null;
  if (r.in_rotation) {
    return [reason('rotation', label, 'ok', 'In the network’s job rotation.'), deprioritised];
  }
  const e = explainRotation(r);
  const out = reason('rotation', label, 'bad', e.cause, {
    fix: e.fix,
    ...(e.detail ? { detail: e.detail } : {}),
    ...(r.until !== undefined ? { until: r.until } : {}),
  });
  return [out, deprioritised];
}

function ownerReason(owner: ServingInput['owner']): ServingReason {
  return owner
    ? reason('owner', 'Owner', owner.state, owner.text)
    : reason('owner', 'Owner', 'info', 'Not bound to an account.', {
        fix: 'Bind an account in Settings to claim this node’s work.',
      });
}
