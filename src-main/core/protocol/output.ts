const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Output normalisation (PROTOCOL.md "Result output"): every lone UTF-16 surrogate becomes
 * U+FFFD before the output is hashed and signed. A lone surrogate has no UTF-8 form and cannot
 * be put in canonical JSON (RFC 8785), so without this a result could never be signed.
 */
export function normaliseOutput(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** True when the text holds no lone surrogate (what a receiver checks of a result's output). */
export function isNormalisedOutput(text: string): boolean {
  LONE_SURROGATE.lastIndex = 0;
  return !LONE_SURROGATE.test(text);
}
