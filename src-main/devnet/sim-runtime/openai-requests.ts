import { z } from 'zod';

/**
 * Request bodies of vLLM's OpenAI-compatible endpoints, as far as the simulated runtime reads
 * them. Unknown fields pass (vLLM only logs them), like `extra="allow"` in vLLM's models.
 */
const NullableInt = z.number().int().nullish();

const StreamOptions = z.looseObject({
  include_usage: z.boolean().nullish(),
  continuous_usage_stats: z.boolean().nullish(),
});

const common = {
  model: z.string().nullish(),
  max_tokens: NullableInt,
  n: NullableInt,
  seed: NullableInt,
  stream: z.boolean().nullish(),
  stream_options: StreamOptions.nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  ignore_eos: z.boolean().nullish(),
};

const ContentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

const Message = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(ContentPart)]).nullish(),
});

export const ChatCompletionRequest = z.looseObject({
  ...common,
  messages: z.array(Message),
  max_completion_tokens: NullableInt,
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

export const CompletionRequest = z.looseObject({
  ...common,
  // One prompt per request: text, a one-element list of text, or token ids.
  prompt: z.union([z.string(), z.tuple([z.string()]), z.array(z.number().int().nonnegative())]),
});
export type CompletionRequest = z.infer<typeof CompletionRequest>;

export function messageText(content: z.infer<typeof Message>['content']): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => part.text ?? '').join('');
}

/** Pydantic-like wording for a failed validation, for the 400 body. */
export function describeIssues(error: z.ZodError): string {
  const issues = error.issues.slice(0, 5).map((i) => {
    const where = i.path.length ? i.path.join('.') : 'body';
    return `${where}: ${i.message}`;
  });
  const n = error.issues.length;
  return `${n} validation error${n === 1 ? '' : 's'}: ${issues.join('; ')}`;
}
