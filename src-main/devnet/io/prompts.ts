const SHORT =
  'time work data node load path rate test unit fast slow good kind wave tree rock blue gold'.split(
    ' ',
  );

/**
 * A prompt of about `tokens` tokens for the simulated runtime's tokenizer (one short word per
 * token), varied by `salt` so prompts differ between jobs.
 */
export function syntheticPrompt(tokens: number, salt: number): string {
  const words: string[] = [];
  let x = (salt * 2654435761) >>> 0;
  for (let i = 0; i < Math.max(1, tokens); i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    words.push(SHORT[x % SHORT.length]!);
  }
  return words.join(' ');
}
