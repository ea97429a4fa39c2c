import type { IncomingMessage, ServerResponse } from 'node:http';
import { EngineDeadError, type SequenceHandle, type SimEngine } from './engine.js';
import type { FaultState } from './faults.js';
import { BodyTooLargeError, readBody, sendEmpty, sendJson, startEventStream } from './http-util.js';
import {
  ChatCompletionRequest,
  CompletionRequest,
  describeIssues,
  messageText,
} from './openai-requests.js';
import {
  badRequest,
  chatCompletion,
  errorBody,
  modelNotFound,
  newMeta,
  streamChunk,
  textCompletion,
  usage,
  usageChunk,
} from './openai-responses.js';
import type { ResolvedOptions } from './options.js';
import { simulateCompletion, type SimulatedCompletion } from './simulate.js';
import { countTokens, renderChatPrompt } from './tokenizer.js';

const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface CompletionContext {
  opts: ResolvedOptions;
  engine: SimEngine;
  faults: FaultState;
  isReady(): boolean;
}

type Kind = 'chat' | 'text';

interface Plan {
  promptTokens: number;
  sim: SimulatedCompletion;
  stream: boolean;
  includeUsage: boolean;
  continuousUsage: boolean;
}

/** POST /v1/chat/completions and POST /v1/completions, checked in vLLM's order. */
export async function handleCompletion(
  kind: Kind,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: CompletionContext,
): Promise<void> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readBody(req, MAX_BODY_BYTES));
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      return sendJson(res, 413, errorBody(413, 'RequestEntityTooLarge', error.message));
    }
    return sendJson(res, 400, badRequest('JSON decode error: the request body is not valid JSON'));
  }
  const planned = plan(kind, raw, ctx);
  if ('status' in planned) {
    if (planned.body === undefined) return sendEmpty(res, planned.status);
    return sendJson(res, planned.status, planned.body);
  }
  if (planned.stream) streamResponse(kind, planned, res, ctx);
  else fullResponse(kind, planned, res, ctx);
}

function plan(
  kind: Kind,
  raw: unknown,
  ctx: CompletionContext,
): Plan | { status: number; body?: unknown } {
  const { opts } = ctx;
  const parsed = parseBody(kind, raw);
  if ('error' in parsed) return { status: 400, body: badRequest(parsed.error) };
  const { body, promptText, promptTokens, requested } = parsed;
  if (body.model && body.model !== opts.servedModelName) {
    return { status: 404, body: modelNotFound(body.model) };
  }
  // A dead engine answers every generation request with an empty 500, like vLLM.
  if (ctx.engine.dead) return { status: 500 };
  if (!ctx.isReady()) {
    return {
      status: 503,
      body: errorBody(503, 'ServiceUnavailableError', 'The model is still loading.'),
    };
  }
  if (body.stream_options && !body.stream) {
    return {
      status: 400,
      body: badRequest('Stream options can only be defined when `stream=True`.'),
    };
  }
  if (body.n != null && body.n !== 1) {
    return { status: 400, body: badRequest('Only n=1 is supported by this server.') };
  }

  const L = opts.maxModelLen;
  if (promptTokens >= L) {
    return {
      status: 400,
      body: badRequest(
        `This model's maximum context length is ${L} tokens. However, your request has ` +
          `${promptTokens} input tokens. Please reduce the length of the input messages.`,
      ),
    };
  }
  if (requested != null && requested < 1) {
    return { status: 400, body: badRequest(`max_tokens must be at least 1, got ${requested}.`) };
  }
  if (requested != null && requested > L - promptTokens) {
    return {
      status: 400,
      body: badRequest(
        `'max_tokens' or 'max_completion_tokens' is too large: ${requested}. This model's ` +
          `maximum context length is ${L} tokens and your request has ${promptTokens} input ` +
          `tokens (${requested} > ${L} - ${promptTokens}).`,
      ),
    };
  }
  if (ctx.faults.nextRequestFails()) {
    return { status: 500, body: errorBody(500, 'InternalServerError', 'Internal Server Error') };
  }
  const sim = brokenBy(
    ctx.faults,
    simulateCompletion({
      model: opts.servedModelName,
      prompt: promptText,
      seed: body.seed ?? opts.seed,
      maxTokens: requested ?? L - promptTokens,
      ignoreEos: body.ignore_eos ?? false,
    }),
  );
  return {
    promptTokens,
    sim,
    stream: body.stream ?? false,
    includeUsage: body.stream_options?.include_usage ?? false,
    continuousUsage: body.stream_options?.continuous_usage_stats ?? false,
  };
}

/** Tokens a runaway answer streams: at any simulated speed, longer than any job's deadline. */
const RUNAWAY_TOKENS = 200_000;

/** The answer as the `lone-surrogate` and `runaway` faults break it. */
function brokenBy(faults: FaultState, sim: SimulatedCompletion): SimulatedCompletion {
  let out = sim;
  if (faults.loneSurrogate && out.tokens.length > 0) {
    const tokens = [out.tokens[0] + '\uD800', ...out.tokens.slice(1)];
    out = { ...out, tokens, text: tokens.join('') };
  }
  if (faults.runaway) {
    // Past max_tokens and without end (one shared string: the array costs 1.6 MB).
    const tokens = new Array<string>(RUNAWAY_TOKENS).fill(' again');
    out = { ...out, tokens, text: '', completionTokens: RUNAWAY_TOKENS, finishReason: 'length' };
  }
  return out;
}

interface ParsedBody {
  body: ChatCompletionRequest | CompletionRequest;
  promptText: string;
  promptTokens: number;
  /** max_completion_tokens or max_tokens, when the client set one. */
  requested: number | null;
}

function parseBody(kind: Kind, raw: unknown): ParsedBody | { error: string } {
  if (kind === 'chat') {
    const parsed = ChatCompletionRequest.safeParse(raw);
    if (!parsed.success) return { error: describeIssues(parsed.error) };
    const body = parsed.data;
    const promptText = renderChatPrompt(
      body.messages.map((m) => ({ role: m.role, content: messageText(m.content) })),
    );
    const requested = body.max_completion_tokens ?? body.max_tokens ?? null;
    return { body, promptText, promptTokens: countTokens(promptText), requested };
  }
  const parsed = CompletionRequest.safeParse(raw);
  if (!parsed.success) return { error: describeIssues(parsed.error) };
  const body = parsed.data;
  const requested = body.max_tokens ?? null;
  const prompt = body.prompt;
  if (typeof prompt === 'string') {
    return { body, promptText: prompt, promptTokens: countTokens(prompt), requested };
  }
  if (typeof prompt[0] === 'string') {
    return { body, promptText: prompt[0], promptTokens: countTokens(prompt[0]), requested };
  }
  // Token ids: their count is the prompt length; their text only seeds the simulation.
  return { body, promptText: prompt.join(' '), promptTokens: prompt.length, requested };
}

function fullResponse(kind: Kind, p: Plan, res: ServerResponse, ctx: CompletionContext): void {
  const model = ctx.opts.servedModelName;
  let done = false;
  const handle = submit(p, ctx, {
    onTokens() {},
    onFinish() {
      done = true;
      const meta = newMeta(kind, model);
      const u = usage(p.promptTokens, p.sim.completionTokens);
      const build = kind === 'chat' ? chatCompletion : textCompletion;
      sendJson(res, 200, build(meta, p.sim.text, p.sim.finishReason, u));
    },
    onError() {
      done = true;
      sendEmpty(res, 500);
    },
  });
  if (!done) res.on('close', () => !done && handle?.cancel());
}

function streamResponse(kind: Kind, p: Plan, res: ServerResponse, ctx: CompletionContext): void {
  const meta = newMeta(kind, ctx.opts.servedModelName);
  const { tokens, completionTokens, finishReason } = p.sim;
  let done = false;
  let roleSent = false;
  startEventStream(res);
  const handle = submit(p, ctx, {
    onTokens(from, to) {
      let out = '';
      if (kind === 'chat' && !roleSent) {
        const u = p.continuousUsage ? usage(p.promptTokens, 0) : null;
        out += `data: ${streamChunk(kind, meta, '', { role: true, usage: u })}\n\n`;
        roleSent = true;
      }
      // Tokens past the text are the EOS token: it ends the stream with an empty delta.
      const text = tokens.slice(from, Math.min(to, tokens.length)).join('');
      const last = to >= completionTokens;
      const u = p.continuousUsage ? usage(p.promptTokens, to) : null;
      const chunk = streamChunk(kind, meta, text, {
        finishReason: last ? finishReason : null,
        usage: u,
      });
      out += `data: ${chunk}\n\n`;
      res.write(out);
    },
    onFinish() {
      done = true;
      let out = '';
      if (p.includeUsage) {
        out += `data: ${usageChunk(kind, meta, usage(p.promptTokens, completionTokens))}\n\n`;
      }
      res.end(out + 'data: [DONE]\n\n');
    },
    onError(error) {
      done = true;
      const body = errorBody(500, 'InternalServerError', error.message);
      res.end(`data: ${JSON.stringify(body)}\n\ndata: [DONE]\n\n`);
    },
  });
  if (!done) res.on('close', () => !done && handle?.cancel());
}

function submit(
  p: Plan,
  ctx: CompletionContext,
  sink: Parameters<SimEngine['submit']>[1],
): SequenceHandle | undefined {
  try {
    return ctx.engine.submit(
      {
        promptTokens: p.promptTokens,
        outputTokens: p.sim.completionTokens,
        finishReason: p.sim.finishReason,
      },
      sink,
    );
  } catch (error) {
    if (!ctx.engine.dead) throw error;
    sink.onError(error instanceof Error ? error : new EngineDeadError());
    return undefined;
  }
}
