import type { Problem } from '../agent/conditions.js';
import type { RotationView } from '../protocol/index.js';

/** A problem as the operator reads it: one sentence of cause, one of fix, the raw detail. */
export interface Explained {
  cause: string;
  fix: string;
  detail?: string;
}

const PROBLEMS: Record<Problem, (reason: string) => Explained> = {
  clock: () => ({
    cause: 'This computer’s clock is off, so the network refuses the node’s signed messages.',
    fix: 'Turn on automatic time (NTP) in the system settings; the node reconnects by itself.',
  }),
  journal: () => ({
    cause: 'The node cannot record jobs: its data folder’s disk is full or not writable.',
    fix: 'Free some disk space for the data folder; the node takes jobs again by itself.',
  }),
  node_status: (reason) => ({
    cause: reason.includes('suspended')
      ? 'The network has suspended this node.'
      : 'The network has excluded this node.',
    fix: 'Contact the network’s support with your node ID.',
  }),
  heartbeat: () => ({
    cause: 'The network did not receive this node’s last heartbeat.',
    fix: 'Check this computer’s internet connection; the node keeps retrying.',
  }),
  link: () => ({
    cause: 'The job connection to the network is down.',
    fix: 'Check this computer’s internet connection; the node reconnects by itself.',
  }),
  runtime: (reason) =>
    reason.includes('simulated runtime is not allowed')
      ? {
          cause: 'The simulated runtime cannot serve a public network.',
          fix: 'Start the node with the Docker runtime (or on the local devnet).',
        }
      : {
          cause: 'The inference runtime is not working.',
          fix: 'Open Setup and run the checks; the node restarts the runtime by itself.',
        },
  config: (reason) =>
    reason.includes('(stale)')
      ? {
          cause: 'The node’s network configuration is out of date.',
          fix: 'Check the internet connection; the node fetches the new configuration by itself.',
        }
      : {
          cause: 'The network’s configuration could not be applied.',
          fix: 'Nothing to do now: the node keeps the last good configuration and retries; update the app if this lasts.',
        },
};

/** Cause, fix and the raw text of a local problem the agent reports. */
export function explainProblem(problem: Problem, reason: string): Explained {
  return { ...PROBLEMS[problem](reason), detail: reason };
}

/** Cause, fix and the network's own words for being out of the rotation. */
export function explainRotation(view: RotationView): Explained {
  const detail = view.detail;
  const words = ROTATION[view.reason ?? ''] ?? {
    cause: 'The network does not send jobs to this node right now.',
    fix: 'Nothing to do: the detail below is the network’s reason.',
  };
  return detail ? { ...words, detail } : words;
}

const ROTATION: Record<string, { cause: string; fix: string }> = {
  status: {
    cause: 'The network does not count this node as active.',
    fix: 'Wait for the network’s test task; if the node was excluded, contact support.',
  },
  operator_hold: {
    cause: 'The network’s operator took this node out of the rotation.',
    fix: 'Nothing to do: jobs come back when the hold ends.',
  },
  no_session: {
    cause: 'The network has no open job connection from this node.',
    fix: 'Check this computer’s internet connection; the node reconnects by itself.',
  },
  not_accepting: {
    cause: 'This node told the network it is not accepting jobs.',
    fix: 'See the other reasons here: the node accepts again once they clear.',
  },
  network_closed: {
    cause: 'The network is not handing out jobs right now.',
    fix: 'Nothing to do: jobs resume when the network reopens.',
  },
  no_heartbeat: {
    cause: 'The network has not received a heartbeat from this node yet.',
    fix: 'Wait a few seconds; if it lasts, check the internet connection.',
  },
  heartbeat_missed: {
    cause: 'The network missed this node’s heartbeats.',
    fix: 'Check this computer’s internet connection; the node keeps retrying.',
  },
  node_state: {
    cause: 'This node told the network it is stopping or paused.',
    fix: 'Nothing to do if you paused or stopped it; otherwise start it again.',
  },
  runtime_unhealthy: {
    cause: 'This node told the network its runtime is not ready.',
    fix: 'Wait for the runtime to start; if it does not, open Setup and run the checks.',
  },
};
