import type { Clock } from '../clock.js';
import type { Job, JobResultBody } from '../protocol/schemas/ws.js';
import { RuntimeError, type Runtime } from '../runtime/runtime.js';
import { buildResult, type FailureCode } from './job-result.js';

/**
 * A job is stopped this long before its `deadline_at`, so that its failed result (signed, sent,
 * journaled) reaches the network before the deadline rather than just after it.
 */
export const DEADLINE_MARGIN_MS = 1_000;

/** Why a running job was stopped before the runtime finished it. */
export type StopCause =
  | { kind: 'cancelled'; reason: string }
  | { kind: 'timeout'; limitMs: number }
  | { kind: 'deadline' }
  | { kind: 'handed_back'; reason: string }
  | { kind: 'shutdown' }
  /** The journal refused the job's accept: it was refused, and gets no result. */
  | { kind: 'not_journaled' };

export interface RunContext {
  job: Job;
  receivedAt: number;
  configDigest: string | null;
  runtime: Runtime;
  clock: Clock;
  executionTimeoutMs: number;
  /** Aborting it closes the runtime stream; set `stop.cause` first to say why. */
  controller: AbortController;
  stop: { cause: StopCause | null };
  onDelta?: (text: string) => void;
}

/**
 * Runs one job on the runtime under its execution timeout and deadline, and builds the result.
 * Returns null when the node is shutting down (the journal keeps the job for resume) or the job
 * was refused because the journal could not record it.
 */
export async function runJob(ctx: RunContext): Promise<JobResultBody | null> {
  const { job, clock } = ctx;
  const startedAt = clock.now();
  let text = '';
  let deltas = 0;
  let firstTokenAt: number | null = null;
  const stopWith = (cause: StopCause) => {
    ctx.stop.cause ??= cause;
    ctx.controller.abort();
  };
  const execTimer = clock.setTimeout(
    () => stopWith({ kind: 'timeout', limitMs: ctx.executionTimeoutMs }),
    ctx.executionTimeoutMs,
  );
  const deadlineTimer = clock.setTimeout(
    () => stopWith({ kind: 'deadline' }),
    Math.max(0, job.deadline_at - DEADLINE_MARGIN_MS - startedAt),
  );
  const base = {
    jobId: job.job_id,
    model: job.model,
    configDigest: ctx.configDigest,
    receivedAt: ctx.receivedAt,
    startedAt,
  };
  try {
    if (ctx.controller.signal.aborted)
      throw new RuntimeError('Stopped before it started.', 'cancelled');
    const r = await ctx.runtime.infer({
      jobId: job.job_id,
      model: job.model,
      kind: job.kind,
      ...(job.kind === 'chat' ? { messages: job.messages } : { prompt: job.prompt }),
      maxTokens: job.max_tokens,
      ...(job.temperature !== undefined ? { temperature: job.temperature } : {}),
      ...(job.seed !== undefined ? { seed: job.seed } : {}),
      signal: ctx.controller.signal,
      onDelta: (d) => {
        firstTokenAt ??= clock.now();
        text += d;
        deltas++;
        ctx.onDelta?.(d);
      },
    });
    return buildResult({
      ...base,
      output: r.text,
      usage: r.usage,
      firstTokenAt: firstTokenAt ?? (r.text === '' ? null : clock.now()),
      finishedAt: clock.now(),
      finishReason: r.finishReason,
    });
  } catch (err) {
    const cause = ctx.stop.cause;
    if (cause?.kind === 'shutdown' || cause?.kind === 'not_journaled') return null;
    const error = describeFailure(cause, err, ctx);
    return buildResult({
      ...base,
      output: text,
      // Honest usage: what was read, and never more than the job allowed.
      usage: { prompt_tokens: 0, completion_tokens: Math.min(deltas, job.max_tokens) },
      firstTokenAt,
      finishedAt: clock.now(),
      finishReason: cause?.kind === 'cancelled' ? 'cancelled' : 'error',
      error,
    });
  } finally {
    clock.clearTimeout(execTimer);
    clock.clearTimeout(deadlineTimer);
  }
}

function describeFailure(
  cause: StopCause | null,
  err: unknown,
  ctx: RunContext,
): { code: FailureCode; message: string } {
  if (cause?.kind === 'cancelled')
    return {
      code: 'cancelled',
      message: `Cancelled by the network: ${cause.reason || 'no reason given'}.`,
    };
  if (cause?.kind === 'timeout')
    return {
      code: 'timeout',
      message: `The job ran longer than the execution limit of ${Math.round(cause.limitMs / 1000)} s and was stopped.`,
    };
  if (cause?.kind === 'deadline')
    return {
      code: 'deadline_exceeded',
      message: `The runtime had not finished ${DEADLINE_MARGIN_MS} ms before the job's deadline; it was stopped so this report arrives in time.`,
    };
  if (cause?.kind === 'handed_back')
    return {
      code: 'handed_back',
      message: `Handed back unfinished: ${cause.reason}. The network can give it to another node.`,
    };
  if (err instanceof RuntimeError) {
    const code: FailureCode = err.code === 'cancelled' ? 'failed' : err.code;
    return { code, message: err.message };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'failed', message: `The node failed to run job ${ctx.job.job_id}: ${message}` };
}
