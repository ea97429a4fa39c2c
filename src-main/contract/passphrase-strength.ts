/*
 * How strong a backup passphrase is, in one function both sides use: the dashboard shows it as
 * the operator types, and the service refuses a weak one (the check a browser could skip).
 * A backup file may end up anywhere (a USB stick, a cloud drive), so its passphrase is all that
 * stands between a finder and the node key: offline guessing at scrypt's ~2 guesses/s per core
 * still needs ≥ 50 bits to be out of reach of a rented GPU farm for years.
 *
 * The estimate is deliberately conservative and small (no dictionary download): character
 * classes × length, minus what repeats, runs (abcd, 4321, qwerty) and well-known words take
 * away; a passphrase of several words separated by spaces counts ~11 bits per distinct word
 * (a Diceware-like list), which is what such phrases are worth even if the words are common.
 */

export type PassphraseVerdict = 'weak' | 'fair' | 'good' | 'strong';

export interface PassphraseStrength {
  verdict: PassphraseVerdict;
  /** Estimated bits of guessing work (rounded). */
  bits: number;
  /** False when the service refuses it. */
  acceptable: boolean;
  /** One plain sentence: what is wrong, or why it is fine. */
  feedback: string;
}

export const MIN_PASSPHRASE_LENGTH = 12;
export const MIN_PASSPHRASE_BITS = 50;

const COMMON = [
  'password',
  'passwort',
  'qwerty',
  'azerty',
  'letmein',
  'welcome',
  'admin',
  'iloveyou',
  'monkey',
  'dragon',
  'resultity',
  'node',
  'secret',
  'changeme',
];
const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'abcdefghijklmnopqrstuvwxyz', '01234567890'];

function poolSize(text: string): number {
  let pool = 0;
  if (/[a-z]/.test(text)) pool += 26;
  if (/[A-Z]/.test(text)) pool += 26;
  if (/[0-9]/.test(text)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(text)) pool += 33;
  return Math.max(pool, 1);
}

/** Characters that only continue a run (aaa, abcd, 4321, qwer) add almost nothing. */
function effectiveLength(text: string): number {
  const lower = text.toLowerCase();
  let length = 0;
  for (let i = 0; i < lower.length; i++) {
    const prev = lower[i - 1];
    const ch = lower[i]!;
    const inRun =
      prev !== undefined &&
      (prev === ch ||
        ROWS.some((row) => {
          const at = row.indexOf(prev);
          return at >= 0 && (row[at + 1] === ch || row[at - 1] === ch);
        }));
    length += inRun ? 0.25 : 1;
  }
  return length;
}

export function assessPassphrase(passphrase: string): PassphraseStrength {
  const text = passphrase;
  const lower = text.toLowerCase();
  if (text.length < MIN_PASSPHRASE_LENGTH) {
    return {
      verdict: 'weak',
      bits: 0,
      acceptable: false,
      feedback: `Too short: use at least ${MIN_PASSPHRASE_LENGTH} characters (${text.length} now). Several random words work well.`,
    };
  }
  let stripped = lower;
  for (const word of COMMON) stripped = stripped.split(word).join('');
  const removed = lower.length - stripped.length;
  const charBits = effectiveLength(stripped) * Math.log2(poolSize(text)) + Math.min(removed, 8);
  const words = new Set(lower.split(/[\s\-_.]+/).filter((w) => w.length >= 3));
  const wordBits = words.size >= 4 ? words.size * 11 : 0;
  const bits = Math.round(Math.max(charBits, wordBits));
  if (bits < MIN_PASSPHRASE_BITS) {
    return {
      verdict: 'weak',
      bits,
      acceptable: false,
      feedback:
        removed > 0
          ? 'Too easy to guess: it is built on a well-known word. Use several unrelated words or random characters.'
          : 'Too easy to guess: it repeats or follows a keyboard or alphabet run. Use several unrelated words or random characters.',
    };
  }
  if (bits < 65) {
    return {
      verdict: 'fair',
      bits,
      acceptable: true,
      feedback: 'Acceptable. A few more words or characters would make it much stronger.',
    };
  }
  return {
    verdict: bits < 90 ? 'good' : 'strong',
    bits,
    acceptable: true,
    feedback: 'Strong enough to keep the backup safe even if the file is found.',
  };
}
