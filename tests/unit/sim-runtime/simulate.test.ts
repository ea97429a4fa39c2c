import { describe, expect, it } from 'vitest';
import { simulateCompletion } from '../../../src-main/devnet/sim-runtime/simulate.js';
import {
  countTokens,
  renderChatPrompt,
  tokenize,
} from '../../../src-main/devnet/sim-runtime/tokenizer.js';

const base = { model: 'sim/model-7b', prompt: 'Say hello to the network.', maxTokens: 64 };

describe('simulateCompletion', () => {
  it('gives the same text for the same input and seed', () => {
    const a = simulateCompletion({ ...base, seed: 7 });
    const b = simulateCompletion({ ...base, seed: 7 });
    expect(a).toEqual(b);
    expect(a.text).toBe(a.tokens.join(''));
    expect(a.text.length).toBeGreaterThan(0);
  });

  it('gives another text for another seed, prompt or model', () => {
    const a = simulateCompletion({ ...base, seed: 7 }).text;
    expect(simulateCompletion({ ...base, seed: 8 }).text).not.toBe(a);
    expect(simulateCompletion({ ...base, seed: 7, prompt: 'Other.' }).text).not.toBe(a);
    expect(simulateCompletion({ ...base, seed: 7, model: 'other' }).text).not.toBe(a);
  });

  it('derives a seed from the prompt when none is given', () => {
    expect(simulateCompletion(base)).toEqual(simulateCompletion(base));
  });

  it('cuts at maxTokens with finish_reason length, and a larger budget extends the text', () => {
    const short = simulateCompletion({ ...base, seed: 1, maxTokens: 5, ignoreEos: true });
    const long = simulateCompletion({ ...base, seed: 1, maxTokens: 50, ignoreEos: true });
    expect(short.tokens).toHaveLength(5);
    expect(short.finishReason).toBe('length');
    expect(short.completionTokens).toBe(5);
    expect(long.tokens.slice(0, 5)).toEqual(short.tokens);
  });

  it('stops on its own with a generous budget and counts the EOS token', () => {
    const r = simulateCompletion({ ...base, seed: 3, maxTokens: 10_000 });
    expect(r.finishReason).toBe('stop');
    expect(r.completionTokens).toBe(r.tokens.length + 1);
    const cut = simulateCompletion({ ...base, seed: 3, maxTokens: r.tokens.length });
    expect(cut.finishReason).toBe('length');
    expect(cut.tokens).toEqual(r.tokens);
  });

  it('rejects a non-positive budget', () => {
    expect(() => simulateCompletion({ ...base, maxTokens: 0 })).toThrow(RangeError);
  });
});

describe('tokenizer', () => {
  it('splits words into runs of at most four characters with their leading space', () => {
    expect(tokenize('Hello world, GPUs!')).toEqual(['Hell', 'o', ' worl', 'd', ',', ' GPUs', '!']);
    expect(countTokens('Hello world, GPUs!')).toBe(7);
    expect(countTokens('')).toBe(0);
    expect(countTokens('a\n\n  b')).toBe(tokenize('a\n\n  b').length);
  });

  it('renders chat messages with a fixed template', () => {
    const text = renderChatPrompt([{ role: 'user', content: 'Hi' }]);
    expect(text).toBe('<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
  });
});
