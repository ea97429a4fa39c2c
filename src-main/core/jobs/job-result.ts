import { createHash } from 'node:crypto';
import type { JobResultBody, Usage } from '../protocol/schemas/ws.js';

/** sha256 hex of the UTF-8 output, as the network recomputes it. */
export function outputHash(output: string): string {
  return createHash('sha256').update(output, 'utf8').digest('hex');
}

export type FailureCode =
  | 'cancelled'
  | 'timeout'
  | 'deadline_exceeded'
  | 'interrupted'
  | 'unavailable'
  | 'bad_request'
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

export function buildResult(input: ResultInput): JobResultBody {
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
    body.error = { code: input.error.code, message: input.error.message.slice(0, 2000) };
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
