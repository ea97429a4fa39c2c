/** A failed command as the operator reads it: one sentence of cause, one of fix, the raw text. */
export interface ErrorWords {
  /** What went wrong; never invented: a known code's words or the message's own first sentence. */
  cause: string;
  /** What to do about it. */
  fix: string;
  /** The raw error (name, code, message) for support; shown behind "Details". */
  detail: string;
  /** True when `fix` is the generic advice, not one that belongs to this error. */
  genericFix: boolean;
}

/** When the error itself says nothing about what to do. */
export const GENERIC_FIX =
  'What to do: try again; if it keeps failing, export a diagnostics bundle from Setup.';

type Words = { cause: string; fix: string };

/**
 * Errors the main process marks with a stable `code` (src-main: operator-limits, command-args,
 * data-folder-lock, key-backup, network/errors). A code some other error also uses
 * ("unreachable" is the Docker engine's too) is keyed by `Name:code`. A code whose message
 * already reads as cause then fix (weak_passphrase: "The passphrase was not accepted. Add
 * another word…") is left to the split, which keeps its specific advice.
 */
const KNOWN: Record<string, Words> = {
  confirm_restart: {
    cause: 'Jobs are running, and this change restarts the runtime, which would end them.',
    fix: 'Save again to confirm (the network can give the jobs to another node), or wait until they are done.',
  },
  invalid_command: {
    cause:
      'The node did not accept what was sent: a value is missing, out of range or has the wrong form.',
    fix: 'Correct the value and try again; Details names the value and the rule it breaks.',
  },
  already_running: {
    cause: 'Another node process is already using this data folder.',
    fix: 'Stop the other node first, or give this one its own data folder; Details names the process and the lock file.',
  },
  wrong_passphrase: {
    cause: 'The passphrase does not unlock this key backup; nothing was changed.',
    fix: 'Type the passphrase chosen when the backup was made (it is case-sensitive).',
  },
  bad_backup_file: {
    cause: 'That file is missing or is not a key backup; nothing was imported.',
    fix: 'Choose the file saved with "Back up the key".',
  },
  replace_not_confirmed: {
    cause:
      'This data folder already holds a different node key and replacing it was not confirmed; nothing was changed.',
    fix: 'To use the backup instead, back up the current key, then import again and confirm the replacement.',
  },
  untrusted_sender: {
    cause: 'The node refused a command that did not come from its own dashboard window.',
    fix: 'Use the dashboard the app opened; restart the app if this keeps happening.',
  },
  'IoUnreachableError:unreachable': {
    cause: 'The node cannot reach the network.',
    fix: 'Check this computer’s internet connection; the node keeps retrying.',
  },
  'IoTimeoutError:timeout': {
    cause: 'The network did not answer in time.',
    fix: 'Check this computer’s internet connection; the node keeps retrying.',
  },
  'IoClockSkewError:clock_skew': {
    cause: 'This computer’s clock is off, so the network refuses the node’s signed messages.',
    fix: 'Turn on automatic time (NTP) in the system settings; the node reconnects by itself.',
  },
  'IoRateLimitedError:rate_limited': {
    cause: 'The network asked this node to slow down.',
    fix: 'Nothing to do: the node retries by itself.',
  },
};

// A sentence ends at . ! or ? before a space and a capital letter or an opening quote/bracket:
// "node.lock", "e.g. a" and version numbers do not end one.
const SENTENCE_END = /[.!?](?=\s+["'“‘(A-Z])/;

/**
 * "The checks could not run. Start Docker, then try again." → cause and fix; a message that does
 * not read as cause-then-fix keeps its words as the cause and gets the generic advice.
 */
export function splitMessage(message: string): { cause: string; fix: string | null } {
  const text = message.trim().replace(/\s+/g, ' ');
  const end = SENTENCE_END.exec(text);
  if (!end) return { cause: text, fix: null };
  const cause = text.slice(0, end.index + 1);
  const fix = text.slice(end.index + 1).trim();
  // A fix of one or two words is a fragment, not advice.
  if (fix.split(' ').length < 3) return { cause: text, fix: null };
  return { cause, fix };
}

/** As `String(err)` writes it, with the code: "BackupFileError [bad_backup_file]: There is…". */
function rawDetail(error: Error | string): string {
  if (typeof error === 'string') return error;
  const code = errorCode(error);
  return `${error.name || 'Error'}${code ? ` [${code}]` : ''}: ${error.message}`;
}

function errorCode(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

const known = (key: string): Words | undefined =>
  Object.hasOwn(KNOWN, key) ? KNOWN[key] : undefined;

/** Cause, fix and raw detail of an error from the node (or a plain message). */
export function errorWords(error: Error | string): ErrorWords {
  const message = typeof error === 'string' ? error : error.message;
  const detail = rawDetail(error);
  const code = typeof error === 'string' ? undefined : errorCode(error);
  if (code && typeof error !== 'string') {
    const words = known(`${error.name}:${code}`) ?? known(code);
    if (words) return { ...words, detail, genericFix: false };
  }
  const { cause, fix } = splitMessage(message);
  return fix
    ? { cause, fix, detail, genericFix: false }
    : { cause, fix: GENERIC_FIX, detail, genericFix: true };
}
