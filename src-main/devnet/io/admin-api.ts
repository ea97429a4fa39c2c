import { z } from 'zod';
import {
  CancelInput,
  DrainInput,
  FaultsInput,
  NodeStatusInput,
  RotationInput,
  SnapshotInput,
  SubmitJobsInput,
  WorkloadInput,
} from './admin-schemas.js';
import { ConfigConflictError } from './config-history.js';
import type { DevnetCore } from './core.js';
import { HttpError, validate } from './http-util.js';
import { isOpen, JOB_STATES, type JobState } from './job-record.js';
import type { RouteContext, Router } from './router.js';
import { jobView, jobsByState, nodeView, statsView, testTasks } from './views.js';
import { MalformedMessageError } from '../../core/protocol/errors.js';

const A = true; // admin route: bearer token required

function intParam(url: URL, name: string, fallback: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new HttpError(400, 'invalid_request', `${name} must be a non-negative integer`);
  return Math.min(n, max);
}

/** /v1/admin/*: jobs, workload, snapshots, faults, nodes, logs and statistics. */
export function addAdminRoutes(router: Router, core: DevnetCore): void {
  const job = (ctx: RouteContext) => {
    const j = core.ledger.get(ctx.params[0]!);
    if (!j)
      throw new HttpError(
        404,
        'not_found',
        `no job ${ctx.params[0]} (unknown, or forgotten after completion)`,
      );
    return j;
  };
  const link = (ctx: RouteContext) => {
    const node = core.registry.get(ctx.params[0]!);
    if (!node) throw new HttpError(404, 'not_found', `no registered node ${ctx.params[0]}`);
    const l = core.dispatcher.links.get(node.nodeId.toLowerCase());
    if (!l)
      throw new HttpError(409, 'no_session', `node ${node.nodeId} has no open WebSocket session`);
    return l;
  };

  router
    .add(
      'GET',
      '/v1/admin/stats',
      (ctx) =>
        statsView(core, {
          timings: ctx.url.searchParams.get('timings') === '1',
          limit: intParam(ctx.url, 'limit', 10_000, 100_000),
        }),
      A,
    )
    .add(
      'POST',
      '/v1/admin/stats/reset-timings',
      async (ctx) => {
        validate(z.strictObject({}), await ctx.body());
        core.ledger.timings.clear();
        return { ok: true };
      },
      A,
    )
    .add(
      'POST',
      '/v1/admin/jobs',
      async (ctx) => {
        const input = validate(SubmitJobsInput, await ctx.body());
        const ids = core.submitJobs(input);
        return { count: ids.length, job_ids: ids };
      },
      A,
    )
    .add(
      'GET',
      '/v1/admin/jobs',
      (ctx) => {
        const state = ctx.url.searchParams.get('state');
        if (state !== null && !JOB_STATES.includes(state as JobState)) {
          throw new HttpError(
            400,
            'invalid_request',
            `state must be one of ${JOB_STATES.join(', ')}`,
          );
        }
        return jobsByState(
          core,
          state as JobState | null,
          intParam(ctx.url, 'limit', 10_000, 1_000_000),
        );
      },
      A,
    )
    .add('GET', '/v1/admin/tests', () => ({ tests: testTasks(core) }), A)
    .add('GET', '/v1/admin/jobs/:id', (ctx) => jobView(core, job(ctx)), A)
    .add(
      'POST',
      '/v1/admin/jobs/:id/cancel',
      async (ctx) => {
        const input = validate(CancelInput, await ctx.body());
        const j = job(ctx);
        if (!isOpen(j)) throw new HttpError(409, 'job_closed', `job ${j.id} is already ${j.state}`);
        core.dispatcher.cancel(j, input.reason ?? 'cancelled by the operator');
        return jobView(core, j);
      },
      A,
    )
    .add(
      'POST',
      '/v1/admin/workload',
      async (ctx) => core.workload.start(validate(WorkloadInput, await ctx.body())),
      A,
    )
    .add(
      'POST',
      '/v1/admin/workload/stop',
      async (ctx) => {
        validate(z.strictObject({}), await ctx.body());
        return core.workload.stop();
      },
      A,
    )
    .add('GET', '/v1/admin/workload', () => core.workload.current(), A)
    .add(
      'GET',
      '/v1/admin/snapshots',
      () => ({
        current_serial: core.history.current.serial,
        served_serial: core.config.served().serial,
        snapshots: core.history.all().map((e) => e.signed),
      }),
      A,
    )
    .add(
      'POST',
      '/v1/admin/snapshot',
      async (ctx) => {
        const input = validate(SnapshotInput, await ctx.body());
        try {
          const entry = core.publishSnapshot(input);
          return {
            serial: entry.serial,
            config_digest: entry.signed.config_digest,
            signed: entry.signed,
          };
        } catch (err) {
          if (err instanceof ConfigConflictError)
            throw new HttpError(409, 'serial_conflict', err.message);
          if (err instanceof MalformedMessageError)
            throw new HttpError(400, 'invalid_snapshot', err.message);
          throw err;
        }
      },
      A,
    )
    .add('GET', '/v1/admin/faults', () => core.faults.state, A)
    .add(
      'POST',
      '/v1/admin/faults',
      async (ctx) => {
        const input = validate(FaultsInput, await ctx.body());
        const replay = input.replay_old_snapshot;
        if (replay !== undefined && replay !== false) {
          const serial = replay === true ? undefined : replay.serial;
          if (!core.history.previous(serial)) {
            throw new HttpError(
              409,
              'no_older_snapshot',
              serial === undefined
                ? 'there is no older snapshot to replay: publish a new one first (POST /v1/admin/snapshot)'
                : `there is no snapshot with serial ${serial} older than the current one`,
            );
          }
        }
        return core.setFaults(input);
      },
      A,
    )
    .add('DELETE', '/v1/admin/faults', () => core.clearFaults(), A)
    .add(
      'GET',
      '/v1/admin/nodes',
      () => ({ nodes: [...core.registry.all()].map((n) => nodeView(core, n)) }),
      A,
    )
    .add(
      'GET',
      '/v1/admin/nodes/:id',
      (ctx) => {
        const node = core.registry.get(ctx.params[0]!);
        if (!node) throw new HttpError(404, 'not_found', `no registered node ${ctx.params[0]}`);
        return nodeView(core, node, true);
      },
      A,
    )
    .add(
      'POST',
      '/v1/admin/nodes/:id/status',
      async (ctx) => {
        const input = validate(NodeStatusInput, await ctx.body());
        const node = core.registry.get(ctx.params[0]!);
        if (!node) throw new HttpError(404, 'not_found', `no registered node ${ctx.params[0]}`);
        core.setNodeStatus(
          node,
          input.status,
          input.reason ?? `set to ${input.status} by the operator`,
        );
        return nodeView(core, node);
      },
      A,
    )
    .add(
      'POST',
      '/v1/admin/nodes/:id/rotation',
      async (ctx) => {
        const input = validate(RotationInput, await ctx.body());
        const node = core.registry.get(ctx.params[0]!);
        if (!node) throw new HttpError(404, 'not_found', `no registered node ${ctx.params[0]}`);
        core.holdRotation(node, input);
        return nodeView(core, node);
      },
      A,
    )
    .add(
      'POST',
      '/v1/admin/nodes/:id/ping',
      async (ctx) => {
        validate(z.strictObject({}), await ctx.body());
        return { ping_id: core.control.ping(link(ctx)) };
      },
      A,
    )
    .add(
      'POST',
      '/v1/admin/nodes/:id/drain',
      async (ctx) => {
        const input = validate(DrainInput, await ctx.body());
        const l = link(ctx);
        core.control.drain(l, input.reason ?? 'drained by the operator', input.deadline_ms);
        return { ok: true, node_id: l.nodeId };
      },
      A,
    )
    .add(
      'GET',
      '/v1/admin/emails',
      (ctx) => ({ emails: core.owners.emails(ctx.url.searchParams.get('to') ?? undefined) }),
      A,
    )
    .add(
      'GET',
      '/v1/admin/logs',
      (ctx) => ({
        entries: core.logs.list(
          ctx.url.searchParams.get('node') ?? undefined,
          intParam(ctx.url, 'limit', 1000, 100_000),
        ),
      }),
      A,
    );
}
