import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { homedir } from 'node:os';
import type { LogEntry } from './logger.js';

/**
 * Removes what identifies the operator or could be used against them from text that leaves
 * the machine (uploaded logs, diagnostics bundles): home folders, emails, wallet addresses,
 * tokens and IP addresses. Emails and wallets become a short hash, so support can still tell
 * whether two reports are about the same owner without learning who it is. IPs get no hash: an
 * IPv4 hash is reversed by trying all 2^32 addresses.
 */
export interface Redactor {
  text(text: string): string;
  /** A deep copy of `value` with every string redacted and secret-named fields blanked. */
  value<T>(value: T): T;
  entry(entry: LogEntry): LogEntry;
}

export interface RedactorOptions {
  /** The user's home folder, replaced by `~` (default: this process's home). */
  homeDir?: string;
  /** Values left as they are (e.g. the node's own ID, which support needs). */
  keep?: readonly string[];
}

export const REDACTED_TOKEN = '[token]';
export const REDACTED_IP = '[ip]';

/** Field names whose string values are secrets as a whole, whatever they look like. */
const SECRET_KEY =
  /^(?:.*[_-])?(?:token|secret|password|passphrase|api[_-]?key|apikey|authorization|cookie)$/i;

const TOKEN_PATTERNS: Array<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED_TOKEN}`],
  // token=…, #token=…, ?api_key=… in URLs and query strings.
  [
    /([#?&;](?:token|access_token|auth|key|api_key|apikey|sig|signature|password)=)[^&#\s"'<>]+/gi,
    `$1${REDACTED_TOKEN}`,
  ],
  // "token: …", "password=…", "api-key": "…" in messages and serialised objects.
  [
    /\b((?:api[_-]?key|apikey|token|secret|password|passphrase|authorization)["']?\s*[:=]\s*["']?)(?!\[token\])[^\s"',;}&]{8,}/gi,
    `$1${REDACTED_TOKEN}`,
  ],
  // JSON Web Tokens and the common provider token prefixes (Hugging Face, GitHub, OpenAI…).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED_TOKEN],
  [/\b(?:hf|ghp|gho|ghs|github_pat|sk|xox[abp])[-_][A-Za-z0-9_-]{16,}/g, REDACTED_TOKEN],
];

/** Other users' home folders too (a path copied from another machine). */
const HOME_PATTERNS: RegExp[] = [
  /\/home\/[^/\s"'`]+/g,
  /\/Users\/[^/\s"'`]+/g,
  /\b[A-Za-z]:[\\/]+Users[\\/]+[^\\/\s"'`]+/gi,
];

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const WALLET = /\b0x[0-9a-fA-F]{40}\b/g;
const IPV4 = /(?<!\d|\d\.)(?:\d{1,3}\.){3}\d{1,3}(?!\.?\d)/g;
const IPV6 = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%\w+)?(?![\w:])/g;
/** Where a local server listens: saying so identifies nobody. */
const HARMLESS_IPS = new Set(['0.0.0.0', '::', '::1']);

export function shortHash(value: string): string {
  return createHash('sha256').update(value.toLowerCase()).digest('hex').slice(0, 8);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function createRedactor(opts: RedactorOptions = {}): Redactor {
  const home = opts.homeDir ?? homedir();
  const keep = new Set((opts.keep ?? []).filter(Boolean).map((k) => k.toLowerCase()));
  // The home folder as written with either slash (Windows paths appear both ways).
  const homeRe =
    home.length > 1 && home !== '/' && home !== '\\'
      ? new RegExp(
          escapeRegExp(home.replace(/[\\/]+$/, '')).replace(/\\\\|\//g, '[\\\\/]') +
            '(?=[\\\\/]|$|[^\\w.-])',
          'gi',
        )
      : null;

  const text = (input: string): string => {
    let out = input;
    for (const [re, replacement] of TOKEN_PATTERNS) out = out.replace(re, replacement);
    if (homeRe) out = out.replace(homeRe, '~');
    for (const re of HOME_PATTERNS) out = out.replace(re, '~');
    out = out.replace(EMAIL, (m) => (keep.has(m.toLowerCase()) ? m : `[email:${shortHash(m)}]`));
    out = out.replace(WALLET, (m) => (keep.has(m.toLowerCase()) ? m : `[wallet:${shortHash(m)}]`));
    out = out.replace(IPV4, (m) =>
      isIPv4(m) && !m.startsWith('127.') && !HARMLESS_IPS.has(m) ? REDACTED_IP : m,
    );
    out = out.replace(IPV6, (m) => {
      const bare = m.replace(/%\w+$/, '');
      return isIPv6(bare) && !HARMLESS_IPS.has(bare) ? REDACTED_IP : m;
    });
    return out;
  };

  const value = <T>(input: T): T => walk(input) as T;
  const walk = (input: unknown, key?: string): unknown => {
    if (typeof input === 'string') {
      return key !== undefined && SECRET_KEY.test(key) && input !== ''
        ? REDACTED_TOKEN
        : text(input);
    }
    if (Array.isArray(input)) return input.map((item) => walk(item));
    if (input !== null && typeof input === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(input)) out[k] = walk(v, k);
      return out;
    }
    return input;
  };

  return {
    text,
    value,
    entry: (e) => ({
      ...e,
      message: text(e.message),
      ...(e.fields ? { fields: value(e.fields) } : {}),
    }),
  };
}

const RANK: Record<LogEntry['level'], number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Only info and above leave the machine: debug lines carry too much detail to share. */
export function isUploadable(entry: LogEntry): boolean {
  return RANK[entry.level] >= RANK.info;
}
