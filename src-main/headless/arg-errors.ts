/** Where the options are listed; every usage error ends with it instead of the whole help. */
export const HELP_HINT = 'Run "resultity-node --help" for the options.';

/** Edit distance, for "did you mean": flags are short, so the plain table is fine. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The known flag closest to `given` (a typo), or null when none is close. */
export function closestFlag(given: string, known: readonly string[]): string | null {
  const bare = given.replace(/^-+/, '').split('=')[0]!;
  let best: { flag: string; d: number } | null = null;
  for (const flag of known) {
    const d = distance(bare, flag);
    if (!best || d < best.d) best = { flag, d };
  }
  return best && best.d <= Math.max(2, Math.floor(bare.length / 3)) ? `--${best.flag}` : null;
}

/**
 * One line for a node:util parseArgs error (its own messages run long and suggest '--'
 * quoting, which is never what an operator meant), then the hint.
 */
export function describeArgError(err: unknown, known: readonly string[]): string {
  const e = err as { code?: string; message?: string };
  const message = e.message ?? String(err);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const flag = quoted.split(/\s/)[0] ?? quoted;
      const near = closestFlag(flag, known);
      return `Unknown option ${flag}.${near ? ` Did you mean ${near}?` : ''} ${HELP_HINT}`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const flag = /--?[\w-]+/.exec(message)?.[0] ?? 'an option';
      if (/does not take an argument/.test(message)) return `${flag} takes no value. ${HELP_HINT}`;
      if (/ambiguous/.test(message)) {
        return `${flag} needs a value; for a value starting with "-" write ${flag}=<value>. ${HELP_HINT}`;
      }
      return `${flag} needs a value (e.g. ${flag} <value>). ${HELP_HINT}`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `Unexpected argument "${quoted}": options start with --, and the only command is "link". ${HELP_HINT}`;
    default:
      return `${message.split('\n')[0]} ${HELP_HINT}`;
  }
}

/** A port flag's value as a number, or a sentence saying what a port looks like. */
export function parsePortFlag(flag: string, value: string, extra: string[] = []): number | string {
  if (extra.includes(value)) return value;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 0 || n > 65535) {
    const also = extra.map((x) => ` or ${x}`).join('');
    throw new ArgValueError(
      `${flag} must be a port number from 0 to 65535${also} (0: any free port); "${value}" is not. ${HELP_HINT}`,
    );
  }
  return n;
}

export class ArgValueError extends Error {
  override readonly name = 'ArgValueError';
}
