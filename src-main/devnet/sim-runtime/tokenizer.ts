/**
 * The simulated runtime's tokenizer. It only has to be deterministic and roughly as dense as a
 * real BPE vocabulary (about four characters of English per token):
 *
 * - a token is one run of at most 4 letters or digits, with at most one leading space;
 * - any other visible character (punctuation, symbols, emoji) is a token on its own, with at
 *   most one leading space;
 * - any remaining whitespace run (newlines, extra spaces) is one token.
 *
 * Chat messages are rendered with a fixed template (see `renderChatPrompt`) before counting, so
 * chat requests carry the template's overhead like real chat models do.
 */
const TOKEN = / ?[\p{L}\p{N}]{1,4}| ?[^\s\p{L}\p{N}]|\s+/gu;

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

export function countTokens(text: string): number {
  let n = 0;
  TOKEN.lastIndex = 0;
  while (TOKEN.exec(text) !== null) n++;
  return n;
}

export interface ChatMessageText {
  role: string;
  content: string;
}

/** A ChatML-like template: one header per message and an open assistant turn at the end. */
export function renderChatPrompt(messages: readonly ChatMessageText[]): string {
  let out = '';
  for (const m of messages) out += `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`;
  return out + '<|im_start|>assistant\n';
}
