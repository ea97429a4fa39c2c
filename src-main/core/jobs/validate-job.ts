import type { ConfigSnapshot } from '../protocol/schemas/snapshot.js';
import type { Job, RejectReason } from '../protocol/schemas/ws.js';
import type { RuntimeStatus } from '../runtime/runtime.js';
import { DEADLINE_MARGIN_MS } from './job-runner.js';
import { estimatePromptTokens } from './prompt-estimate.js';

export interface ValidationContext {
  config: ConfigSnapshot | null;
  draining: boolean;
  /** Why new jobs are held back for a moment (a runtime image switch), or null. */
  held?: string | null;
  /** Jobs accepted and not yet finished. */
  inFlight: number;
  runtime: RuntimeStatus;
  now: number;
}

export interface Rejection {
  reason: RejectReason;
  /** Plain words for the network's logs and the node's UI. */
  detail: string;
}

/**
 * Checks an assignment against the applied configuration and the node's state. Returns the
 * first reason to refuse it, or null to accept. Duplicate ids are checked by the engine (it
 * owns the journal).
 */
export function validateAssignment(job: Job, ctx: ValidationContext): Rejection | null {
  const { config } = ctx;
  if (!config) {
    return { reason: 'not_accepting', detail: 'The node has no applied configuration yet.' };
  }
  const shape = checkShape(job);
  if (shape) return { reason: 'invalid_job', detail: shape };
  if (ctx.held) return { reason: 'not_accepting', detail: ctx.held };
  if (ctx.draining) {
    return {
      reason: 'not_accepting',
      detail: 'The node is draining (shutting down or asked to stop).',
    };
  }
  if (!config.participation.accepting_jobs && !job.test) {
    return {
      reason: 'not_accepting',
      detail: 'The configuration says this node does not accept jobs now.',
    };
  }
  if (job.deadline_at <= ctx.now) {
    return {
      reason: 'deadline_passed',
      detail: `The job's deadline passed ${ctx.now - job.deadline_at} ms before it arrived.`,
    };
  }
  if (job.deadline_at - DEADLINE_MARGIN_MS <= ctx.now) {
    return {
      reason: 'deadline_passed',
      detail: `The job arrived ${job.deadline_at - ctx.now} ms before its deadline, less than the ${DEADLINE_MARGIN_MS} ms the node keeps to report in time.`,
    };
  }
  const model = config.models.find((m) => m.served_name === job.model);
  if (!model) {
    return {
      reason: 'model_not_approved',
      detail: `Model "${job.model}" is not in the node's approved model list.`,
    };
  }
  // A runtime that is not up serves nothing yet: say so, not "model not installed".
  if (ctx.runtime.state !== 'ready') {
    return {
      reason: 'runtime_unavailable',
      detail: `The runtime is ${ctx.runtime.state}: ${ctx.runtime.detail}`.slice(0, 500),
    };
  }
  if (!ctx.runtime.servedModels.includes(job.model)) {
    const served = ctx.runtime.servedModels.join(', ') || 'no model';
    return {
      reason: 'model_not_installed',
      detail: `Model "${job.model}" is approved but the runtime serves ${served}.`,
    };
  }
  const limits = config.jobs;
  if (job.max_tokens > limits.max_output_tokens) {
    return {
      reason: 'token_limit',
      detail: `max_tokens ${job.max_tokens} is above the limit of ${limits.max_output_tokens}.`,
    };
  }
  const promptTokens = estimatePromptTokens(job);
  if (promptTokens > limits.max_input_tokens) {
    return {
      reason: 'token_limit',
      detail: `The prompt is about ${promptTokens} tokens, above the limit of ${limits.max_input_tokens}.`,
    };
  }
  if (promptTokens + job.max_tokens > model.max_model_len) {
    return {
      reason: 'token_limit',
      detail: `The prompt (about ${promptTokens} tokens) plus max_tokens ${job.max_tokens} exceeds the model's context of ${model.max_model_len}.`,
    };
  }
  if (ctx.inFlight >= limits.max_queue_size) {
    return {
      reason: 'queue_full',
      detail: `The node already runs ${ctx.inFlight} jobs, its limit (max_queue_size).`,
    };
  }
  return null;
}

function checkShape(job: Job): string | null {
  if (job.kind === 'chat' && (!job.messages || job.messages.length === 0))
    return 'A chat job needs at least one message.';
  if (job.kind === 'completion' && typeof job.prompt !== 'string')
    return 'A completion job needs a prompt.';
  if (job.deadline_at < job.assigned_at) return 'The job is due before it was assigned.';
  return null;
}
