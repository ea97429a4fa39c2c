import { renderChatPrompt, type ChatMessageText } from './tokenizer.js';

/**
 * Deterministic "model output" of the simulated runtime. The devnet calls this to know the
 * expected answer of a test task; the server calls it to produce the answer. Same input, same
 * output: the text depends only on (model, prompt, seed) and is cut at `maxTokens`, so a larger
 * budget only extends a shorter answer.
 */
export type FinishReason = 'stop' | 'length';

export interface SimulateInput {
  model: string;
  /** The prompt text (for chat: `renderChatPrompt(messages)`). */
  prompt: string;
  /** Sampling seed; when absent one is derived from the prompt. */
  seed?: number | undefined;
  maxTokens: number;
  /** vLLM's `ignore_eos`: never stop early, always produce `maxTokens` tokens. */
  ignoreEos?: boolean | undefined;
}

export interface SimulatedCompletion {
  /** The text pieces, one per generated token (the end-of-sequence token is not included). */
  tokens: string[];
  text: string;
  finishReason: FinishReason;
  /** Generated tokens as vLLM counts them: the text tokens plus the EOS token on `stop`. */
  completionTokens: number;
}

const WORDS = (
  'the of and to in is that for it as with was on be by this are or from at an which have ' +
  'not but all were when we there can one has more their if will out so up into than them ' +
  'these its only new some time other could two first way may then do any like well also ' +
  'after most used where work made over such many each must through back years much should ' +
  'good before long same both under world point system model network node token request ' +
  'answer value result data state order number part case place group problem fact level ' +
  'light power field change reason water energy space line form market design memory signal ' +
  'quiet river stone bright early simple clear open small large green silver careful steady'
).split(' ');

export function simulateCompletion(input: SimulateInput): SimulatedCompletion {
  if (!Number.isInteger(input.maxTokens) || input.maxTokens < 1) {
    throw new RangeError(`maxTokens must be a positive integer, got ${input.maxTokens}`);
  }
  const seed = input.seed ?? hash32(input.prompt);
  const rng = mulberry32(hash32(`${input.model}\u0000${input.prompt}\u0000${seed}`));
  // Natural answer length before the model emits EOS: mostly short, sometimes long.
  const r = rng();
  const natural = 8 + Math.floor(r * r * 392);
  const stops = !input.ignoreEos && natural + 1 <= input.maxTokens;
  const count = stops ? natural : input.maxTokens;

  const tokens: string[] = [];
  let sentenceLeft = 0;
  let sentences = 0;
  for (let i = 0; i < count; i++) {
    if (sentenceLeft === 0) {
      sentenceLeft = 6 + Math.floor(rng() * 13);
      const word = pick(rng);
      const lead = i === 0 ? '' : sentences % 4 === 0 ? '\n\n' : ' ';
      tokens.push(lead + word.charAt(0).toUpperCase() + word.slice(1));
      continue;
    }
    sentenceLeft--;
    if (sentenceLeft === 0) {
      tokens.push('.');
      sentences++;
    } else if (rng() < 0.06) {
      tokens.push(',');
    } else {
      tokens.push(' ' + pick(rng));
    }
  }
  return {
    tokens,
    text: tokens.join(''),
    finishReason: stops ? 'stop' : 'length',
    completionTokens: count + (stops ? 1 : 0),
  };
}

function pick(rng: () => number): string {
  return WORDS[Math.floor(rng() * WORDS.length)] ?? 'the';
}

/** FNV-1a over UTF-16 code units, finished with a murmur-style avalanche. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Deterministic PRNG in [0, 1): the same seed gives the same sequence, on every machine. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The expected answer of a chat request: the messages go through the runtime's chat template. */
export function simulateChatCompletion(
  input: Omit<SimulateInput, 'prompt'> & { messages: readonly ChatMessageText[] },
): SimulatedCompletion {
  const { messages, ...rest } = input;
  return simulateCompletion({ ...rest, prompt: renderChatPrompt(messages) });
}
