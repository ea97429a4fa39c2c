import type { Job } from '../protocol/schemas/ws.js';

/** Tokens a chat template adds per message (role header and separators), roughly. */
const CHAT_OVERHEAD_PER_MESSAGE = 4;

/**
 * A cheap estimate of a job's prompt size in tokens, for the `max_input_tokens` check. BPE
 * vocabularies average about four bytes of English per token; non-Latin scripts use more bytes
 * per character and about one token per character, so counting UTF-8 bytes / 4 stays close
 * without a tokenizer. The runtime enforces the exact limit itself.
 */
export function estimatePromptTokens(job: Pick<Job, 'kind' | 'messages' | 'prompt'>): number {
  if (job.kind === 'completion') return estimateTextTokens(job.prompt ?? '');
  let total = 2; // the open assistant turn
  for (const m of job.messages ?? [])
    total += CHAT_OVERHEAD_PER_MESSAGE + estimateTextTokens(m.content);
  return total;
}

export function estimateTextTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 4);
}
