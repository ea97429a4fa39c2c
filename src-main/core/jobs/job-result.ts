import { createHash } from 'node:crypto';
import { normaliseOutput } from '../protocol/output.js';
import type { JobResultBody, Usage } from '../protocol/schemas/ws.js';
import type { JobEvent } from './job-engine-api.js';

/** sha256 hex of the UTF-8 output, as the network recomputes it. */
export function outputHash(output: string): string {
  return createHash('sha256').update(output, 'utf8').digest('hex');
}

/**
 * Largest output a result carries, measured as its JSON string (quotes and escapes included),
 * so the signed job_result always fits a 1 MiB frame (64 KiB left for the other fields).
 */
export const MAX_RESULT_OUTPUT_JSON_BYTES = 960 * 1024;

function outputTooLarge(output: string): number | null {
  // Cheap bound first: a JSON string is never shorter than its UTF-16 length.
  if (output.length <= MAX_RESULT_OUTPUT_JSON_BYTES / 6) return null;
  const bytes = Buffer.byteLength(JSON.stringify(output));
  return bytes > MAX_RESULT_OUTPUT_JSON_BYTES ? bytes : null;
}

export type FailureCode =
  | 'cancelled'
  | 'timeout'
  | 'deadline_exceeded'
  | 'interrupted'
  | 'unavailable'
  | 'bad_request'
  | 'output_too_large'
  | 'handed_back'
  | 'failed';

export interface ResultInput {
  jobId: string;
  model: string;
  configDigest: string | null;
  output: string;
  usage: Usage;
  receivedAt: number;
  startedAt: number | null;
  firstTokenAt: number | null;
  finishedAt: number;
  finishReason: JobResultBody['finish_reason'];
  error?: { code: FailureCode; message: string };
}

/**
 * The job_result body: output normalised (lone surrogates → U+FFFD) and hashed; an output too
 * large for one frame is replaced by a failed result with an empty output.
 */
export function buildResult(raw: ResultInput): JobResultBody {
  const input = { ...raw, output: normaliseOutput(raw.output) };
  const tooLarge = outputTooLarge(input.output);
  if (tooLarge !== null) {
    input.output = '';
    input.finishReason = 'error';
    input.error = {
      code: 'output_too_large',
      message: `The output is ${tooLarge} bytes as JSON, above the ${MAX_RESULT_OUTPUT_JSON_BYTES}-byte limit of a result; it was not sent.`,
    };
  }
  const failed =
    input.error !== undefined ||
    input.finishReason === 'cancelled' ||
    input.finishReason === 'error';
  const body: JobResultBody = {
    job_id: input.jobId,
    model: input.model,
    status: failed ? 'failed' : 'completed',
    output: input.output,
    output_hash: outputHash(input.output),
    finish_reason: input.finishReason,
    usage: {
      prompt_tokens: input.usage.prompt_tokens,
      completion_tokens: input.usage.completion_tokens,
    },
    timings: {
      received_at: input.receivedAt,
      started_at: input.startedAt,
      first_token_at: input.firstTokenAt,
      finished_at: input.finishedAt,
      runtime_ms: input.startedAt === null ? 0 : Math.max(0, input.finishedAt - input.startedAt),
    },
    config_digest: input.configDigest,
  };
  if (input.error)
    body.error = {
      code: input.error.code,
      message: normaliseOutput(input.error.message.slice(0, 2000)),
    };
  return body;
}

/** Generated tokens per second of decoding (after the first token), for the UI. */
export function tokensPerSecond(result: JobResultBody): number | undefined {
  const t = result.timings;
  const from = t.first_token_at ?? t.started_at;
  if (from === null || result.usage.completion_tokens === 0) return undefined;
  const seconds = (t.finished_at - from) / 1000;
  return seconds > 0 ? result.usage.completion_tokens / seconds : undefined;
}

/** The failed result of a job the node itself broke on (a bug, not the runtime). */
export function internalFailureResult(
  entry: { job: { job_id: string; model: string }; receivedAt: number },
  configDigest: string | null,
  now: number,
  err: unknown,
): JobResultBody {
  return buildResult({
    jobId: entry.job.job_id,
    model: entry.job.model,
    configDigest,
    output: '',
    usage: { prompt_tokens: 0, completion_tokens: 0 },
    receivedAt: entry.receivedAt,
    startedAt: null,
    firstTokenAt: null,
    finishedAt: now,
    finishReason: 'error',
    error: { code: 'failed', message: `The node failed internally: ${String(err)}` },
  });
}

/** A finished job as the UI and the local log see it: its outcome, tokens and timings. */
export function resultEvent(result: JobResultBody, test: boolean): JobEvent {
  const t = result.timings;
  const tps = tokensPerSecond(result);
  return {
    kind: result.status,
    jobId: result.job_id,
    model: result.model,
    at: t.finished_at,
    test,
    promptTokens: result.usage.prompt_tokens,
    completionTokens: result.usage.completion_tokens,
    durationMs: t.finished_at - t.received_at,
    ...(t.started_at !== null ? { runtimeMs: t.finished_at - t.started_at } : {}),
    ...(t.started_at !== null && t.first_token_at !== null
      ? { ttftMs: t.first_token_at - t.started_at }
      : {}),
    ...(tps !== undefined ? { tokensPerSecond: tps } : {}),
    ...(result.error ? { detail: result.error.message } : {}),
  };
}
