import { randomUUID } from 'node:crypto';

/**
 * Response bodies shaped like vLLM 0.11's OpenAI server (vllm/entrypoints/openai/protocol.py):
 * field names, order and nulls as vLLM serialises them, so a client cannot tell the difference.
 */
export interface Usage {
  prompt_tokens: number;
  total_tokens: number;
  completion_tokens: number;
}

export function usage(promptTokens: number, completionTokens: number): Usage {
  return {
    prompt_tokens: promptTokens,
    total_tokens: promptTokens + completionTokens,
    completion_tokens: completionTokens,
  };
}

/** vLLM's error body since 0.10.1: `{"error": {message, type, param, code}}`. */
export function errorBody(code: number, type: string, message: string) {
  return { error: { message, type, param: null, code } };
}

export const badRequest = (message: string) => errorBody(400, 'BadRequestError', message);

export const modelNotFound = (model: string) =>
  errorBody(404, 'NotFoundError', `The model \`${model}\` does not exist.`);

/** uuid4().hex, like vLLM's random_uuid(). */
export function randomHex(): string {
  return randomUUID().replaceAll('-', '');
}

export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
}

export function newMeta(kind: 'chat' | 'text', model: string): CompletionMeta {
  return {
    id: `${kind === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomHex()}`,
    created: Math.floor(Date.now() / 1000),
    model,
  };
}

export function chatCompletion(
  meta: CompletionMeta,
  content: string,
  finishReason: string,
  u: Usage,
) {
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content,
          refusal: null,
          annotations: null,
          audio: null,
          function_call: null,
          tool_calls: [],
          reasoning_content: null,
        },
        logprobs: null,
        finish_reason: finishReason,
        stop_reason: null,
        token_ids: null,
      },
    ],
    service_tier: null,
    system_fingerprint: null,
    usage: { ...u, prompt_tokens_details: null },
    prompt_logprobs: null,
    prompt_token_ids: null,
    kv_transfer_params: null,
  };
}

export function textCompletion(meta: CompletionMeta, text: string, finishReason: string, u: Usage) {
  return {
    id: meta.id,
    object: 'text_completion',
    created: meta.created,
    model: meta.model,
    choices: [
      {
        index: 0,
        text,
        logprobs: null,
        finish_reason: finishReason,
        stop_reason: null,
        token_ids: null,
        prompt_logprobs: null,
        prompt_token_ids: null,
      },
    ],
    service_tier: null,
    system_fingerprint: null,
    usage: { ...u, prompt_tokens_details: null },
    kv_transfer_params: null,
  };
}

/** One streamed chunk. `delta` is the chat delta or the completion text. */
export function streamChunk(
  kind: 'chat' | 'text',
  meta: CompletionMeta,
  delta: string,
  opts: { role?: boolean; finishReason?: string | null; usage?: Usage | null },
): string {
  const finish = opts.finishReason ?? null;
  if (kind === 'chat') {
    const choice: Record<string, unknown> = {
      index: 0,
      delta: opts.role ? { role: 'assistant', content: delta } : { content: delta },
      logprobs: null,
      finish_reason: finish,
    };
    if (finish !== null) choice.stop_reason = null;
    const chunk: Record<string, unknown> = {
      id: meta.id,
      object: 'chat.completion.chunk',
      created: meta.created,
      model: meta.model,
      choices: [choice],
    };
    if (opts.usage) chunk.usage = opts.usage;
    return JSON.stringify(chunk);
  }
  return JSON.stringify({
    id: meta.id,
    object: 'text_completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, text: delta, logprobs: null, finish_reason: finish, stop_reason: null }],
    usage: opts.usage ?? null,
  });
}

/** The last chunk when `stream_options.include_usage` is set: no choices, only usage. */
export function usageChunk(kind: 'chat' | 'text', meta: CompletionMeta, u: Usage): string {
  return JSON.stringify({
    id: meta.id,
    object: kind === 'chat' ? 'chat.completion.chunk' : 'text_completion',
    created: meta.created,
    model: meta.model,
    choices: [],
    usage: u,
  });
}
