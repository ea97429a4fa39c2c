// Turns electron-updater failures into sentences an operator can act on. The raw error still goes
// to the log; this text is what the window and the notification show.

const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

function codeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return '';
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

function hours(ms: number): string {
  const h = Math.round(ms / 3_600_000);
  return h <= 1 ? 'in about an hour' : `in about ${h} hours`;
}

/** One sentence (or two) saying what failed, why, and what happens next. */
export function describeUpdateError(error: unknown, retryInMs: number): string {
  const code = codeOf(error);
  const message = messageOf(error);
  const retry = `The node keeps running; the next check is ${hours(retryInMs)}.`;

  if (
    NETWORK_CODES.has(code) ||
    /net::ERR_(INTERNET_DISCONNECTED|NAME_NOT_RESOLVED|CONNECTION|NETWORK|TIMED_OUT|PROXY)/.test(
      message,
    )
  ) {
    return `Could not reach the update server: check this computer's internet connection. ${retry}`;
  }
  if (code === 'ENOSPC' || /ENOSPC|no space left/i.test(message)) {
    return `Not enough free disk space to download the update: free some space. ${retry}`;
  }
  if (/code signature for running application|Could not get code signature/i.test(message)) {
    return (
      'This copy of Resultity Node is not code-signed, so macOS cannot update it in place: ' +
      'download the new version from the release page.'
    );
  }
  if (
    code === 'ERR_UPDATER_INVALID_SIGNATURE' ||
    /not signed by the application owner|invalid signature|signature verification/i.test(message)
  ) {
    return (
      'The downloaded update is not signed by Resultity, so it was discarded and not installed. ' +
      'If this repeats, download the app from the official release page. ' +
      retry
    );
  }
  if (code === 'ERR_CHECKSUM_MISMATCH' || /sha512 checksum mismatch/i.test(message)) {
    return `The downloaded update was damaged on the way (checksum mismatch) and was discarded. ${retry}`;
  }
  if (
    code === 'ERR_UPDATER_LATEST_VERSION_NOT_FOUND' ||
    code === 'ERR_UPDATER_NO_PUBLISHED_VERSIONS' ||
    code === 'ERR_UPDATER_CHANNEL_FILE_NOT_FOUND' ||
    code === 'ERR_UPDATER_ASSET_NOT_FOUND' ||
    code === 'ERR_UPDATER_RELEASE_NOT_FOUND' ||
    /\b404\b/.test(message)
  ) {
    return `The update server has no release for this platform yet. ${retry}`;
  }
  if (/\b(401|403|429)\b|rate limit/i.test(message)) {
    return `The update server refused the request for now (rate limit or access). ${retry}`;
  }
  const firstLine = message.split('\n')[0]?.trim() || 'unknown error';
  return `The update check failed (${firstLine}). ${retry}`;
}
