import type { ConfigSnapshot } from '../../core/protocol/schemas/snapshot.js';
import type { JobOrder } from './dispatcher.js';
import type { JobInput, SubmitJobsInput } from './admin-schemas.js';
import { syntheticPrompt } from './prompts.js';

let salt = 0;

/** Turns one admin job description into a job order, filling the defaults from the snapshot. */
export function orderFrom(input: JobInput, snapshot: ConfigSnapshot): JobOrder {
  const model =
    input.model ??
    (snapshot.models.find((m) => m.default) ?? snapshot.models[0])?.served_name ??
    'sim-chat-1b';
  const kind = input.kind ?? (input.messages ? 'chat' : 'completion');
  const text = () => input.prompt ?? syntheticPrompt(input.prompt_tokens ?? 32, ++salt);
  const spec: JobOrder['spec'] = {
    model,
    kind,
    ...(kind === 'chat'
      ? { messages: input.messages ?? [{ role: 'user' as const, content: text() }] }
      : { prompt: text() }),
    max_tokens: input.max_tokens ?? Math.min(64, snapshot.jobs.max_output_tokens),
    ...(input.temperature !== undefined ? { temperature: input.temperature } : {}),
    ...(input.seed !== undefined ? { seed: input.seed } : {}),
    ...(input.stream_partial !== undefined ? { stream_partial: input.stream_partial } : {}),
  };
  return {
    spec,
    ...(input.timeout_ms !== undefined ? { timeoutMs: input.timeout_ms } : {}),
    ...(input.ttl_ms !== undefined ? { ttlMs: input.ttl_ms } : {}),
  };
}

/** POST /v1/admin/jobs body → orders: `count` copies of the defaults, or each of `jobs` over them. */
export function ordersFrom(input: SubmitJobsInput, snapshot: ConfigSnapshot): JobOrder[] {
  const { count, jobs, ...defaults } = input;
  if (jobs) return jobs.map((j) => orderFrom({ ...defaults, ...j }, snapshot));
  return Array.from({ length: count ?? 1 }, () => orderFrom(defaults, snapshot));
}
