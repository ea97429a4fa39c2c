import { expect } from 'vitest';
import { mulberry32 } from '../../../src-main/devnet/sim-runtime/simulate.js';
import { waitUntil } from '../../helpers/processes.js';
import type { AdminClient, JobView } from '../../bench/stack/admin-client.js';
import type { AgentLine } from '../../bench/stack/agent-process.js';
import type { RuntimeStart } from '../../bench/stack/runtime-process.js';
import { Stack } from '../../bench/stack/stack.js';

/** Timers of the network's configuration, short so faults play out in seconds. */
export const FAST_TTL = {
  heartbeat_interval_ms: 1000,
  heartbeat_window_ms: 5000,
  config_check_interval_ms: 2000,
  retry_base_ms: 200,
  retry_max_ms: 2000,
};

/** Job timers: a dead node's accepted jobs go back to the queue after 8 s, not 2 minutes. */
export const FAST_JOBS = { accept_timeout_ms: 2000, execution_timeout_ms: 8000 };

/**
 * A devnet, a simulated runtime and the headless node (`--json`), each in its own process. The
 * network's snapshot gets short timers before the node first registers, so the node learns
 * them the ordinary way.
 */
export async function startFaultStack(
  prefix: string,
  runtime: RuntimeStart = { ttftMs: 20, tokensPerSecond: 200 },
  agent: { keepJobLines?: boolean } = {},
): Promise<Stack> {
  const stack = await Stack.start({
    prefix: `resultity-fault-${prefix}-`,
    runtime,
    deferAgent: true,
    agent: { json: true, logLevel: 'debug', ...agent },
  });
  try {
    await stack.admin.publish({ ttl: FAST_TTL, jobs: FAST_JOBS });
    stack.startAgent();
    await stack.agent.waitForState('active', 45_000);
    await stack.waitInRotation();
    return stack;
  } catch (err) {
    await stack.close();
    throw err;
  }
}

/** Log lines of the node (its `--json` `log` events) whose message matches. */
export function logsMatching(lines: readonly AgentLine[], re: RegExp): AgentLine[] {
  return lines.filter(
    (l) => l.type === 'log' && typeof l.message === 'string' && re.test(l.message),
  );
}

/** Waits until every job is completed or failed (no pending, none in flight). */
export async function waitAllClosed(admin: AdminClient, timeoutMs: number): Promise<void> {
  try {
    await waitUntil(
      async () => {
        const s = await admin.stats();
        return s.jobs_pending === 0 && s.jobs_in_flight === 0 && !s.workload.running;
      },
      'every job to be completed or failed',
      timeoutMs,
      200,
    );
  } catch (err) {
    // Say which jobs are stuck and where: the events tell what the network last did with them.
    // And whether the devnet still watches them: its sweep's last run and how many in-flight
    // jobs it times out, against the ledger's count, and each node's session and rotation.
    const s = await admin.stats();
    console.log(
      `devnet at ${s.server_time}: ${s.jobs_pending} pending, ${s.jobs_in_flight} in flight, sweep ${JSON.stringify(s.sweep)}`,
    );
    for (const n of Object.values(s.nodes)) console.log('node', JSON.stringify(n));
    const { ids } = await admin.jobs();
    const open = [...(ids.pending ?? []), ...(ids.assigned ?? []), ...(ids.accepted ?? [])];
    for (const v of await admin.jobViews(open.slice(0, 5))) {
      const times = `assigned_at ${v.assigned_at} deadline_at ${v.deadline_at} expires_at ${v.expires_at}`;
      console.log(
        `still ${v.state}: ${v.job_id} attempts ${v.attempts} ${times}`,
        JSON.stringify(v.events),
      );
    }
    throw err;
  }
}

/** Every job's view, to check states, reasons and that no job was completed twice. */
export async function allJobViews(admin: AdminClient): Promise<JobView[]> {
  const { ids } = await admin.jobs();
  return admin.jobViews(Object.values(ids).flat(), 8);
}

export function completedTwice(views: readonly JobView[]): string[] {
  return views
    .filter((v) => v.events.filter((e) => e.event === 'completed').length > 1)
    .map((v) => v.job_id);
}

/** Deterministic PRNG (the simulator's) so a failing run can be replayed from its printed seed. */
export const seededRandom: (seed: number) => () => number = mulberry32;

/** Submits `count` short jobs and expects every one of them completed. */
export async function serveBatch(stack: Stack, count: number): Promise<void> {
  const { job_ids } = await stack.admin.submitJobs({ count, max_tokens: 16 });
  await waitAllClosed(stack.admin, 30_000);
  const views = await stack.admin.jobViews(job_ids);
  expect(views.map((v) => v.state)).toEqual(Array(count).fill('completed'));
}
