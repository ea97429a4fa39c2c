export type ImagePullErrorCode =
  | 'unauthorized'
  | 'denied'
  | 'not_found'
  | 'registry_error'
  | 'rate_limited'
  | 'network'
  | 'disk_full'
  | 'digest_mismatch'
  | 'cancelled'
  | 'failed';

/** A failed pull, with what happened and what to do. `retryable` drives the backoff loop. */
export class ImagePullError extends Error {
  override readonly name = 'ImagePullError';
  constructor(
    readonly code: ImagePullErrorCode,
    readonly detail: string,
    readonly fix: string,
    readonly retryable: boolean,
  ) {
    super(`${detail} ${fix}`);
  }
}

const FREE_SPACE_FIX =
  "Free up disk space (docker system prune removes stopped containers and unused images) or move Docker's data folder to a bigger disk, then press Retry.";

/** Maps an error thrown by the engine (HTTP status) or found inside the progress stream. */
export function pullError(ref: string, err: unknown): ImagePullError {
  if (err instanceof ImagePullError) return err;
  const status = (err as { statusCode?: number } | null)?.statusCode;
  const raw = err instanceof Error ? err.message : String(err);
  const text = raw.replace(/^\(HTTP code \d+\) [a-z ]+- /i, '').trim();
  if ((err as { name?: string } | null)?.name === 'AbortError') {
    return new ImagePullError(
      'cancelled',
      `The download of ${ref} was cancelled.`,
      'Start the node again to resume it.',
      false,
    );
  }
  if (/no space left on device/i.test(text)) {
    return new ImagePullError(
      'disk_full',
      `The disk filled up while downloading ${ref} (${text}).`,
      FREE_SPACE_FIX,
      false,
    );
  }
  if (/toomanyrequests|rate limit/i.test(text)) {
    return new ImagePullError(
      'rate_limited',
      `The registry refused to serve ${ref} for now: too many downloads from this address (${text}).`,
      'Wait a few hours, or sign in with "docker login" to get a higher limit; the node retries on its own.',
      true,
    );
  }
  if (status === 401 || /unauthorized|authentication required/i.test(text)) {
    return new ImagePullError(
      'unauthorized',
      `The registry asked for a login to download ${ref} (401): ${text}`,
      'The runtime image should be public: check your network is not behind a proxy that rewrites registry traffic, and run "docker logout" if old credentials are stored.',
      false,
    );
  }
  if (status === 403) {
    return new ImagePullError(
      'denied',
      `Access to ${ref} is denied (403); the image may also not exist: ${text}`,
      'Check that your network or company firewall allows Docker Hub, then press Retry.',
      false,
    );
  }
  if (status === 404 || /manifest unknown|not found|repository does not exist/i.test(text)) {
    return new ImagePullError(
      'not_found',
      `The runtime image ${ref} does not exist in its registry (404): ${text}`,
      'The network config may name an image that was removed; the node will use the next config update. If it persists, report it to the Resultity team.',
      false,
    );
  }
  if (status === 500 || status === 502 || status === 503) {
    return new ImagePullError(
      'registry_error',
      `Docker could not download ${ref} (${status}): ${text}`,
      'Check the internet connection and DNS of this computer (Docker must reach the registry); the node retries on its own.',
      true,
    );
  }
  return new ImagePullError(
    'network',
    `The download of ${ref} was interrupted: ${text}`,
    'Check the internet connection; the node retries on its own and resumes where it stopped.',
    true,
  );
}

export function digestMismatch(ref: string, got: string[]): ImagePullError {
  return new ImagePullError(
    'digest_mismatch',
    `The downloaded image does not match the pinned digest of ${ref} (the engine reports ${got.join(', ') || 'no digest'}).`,
    'The image was refused and will not run. This points at a registry mirror or proxy serving other content; remove registry mirrors from Docker settings and press Retry.',
    false,
  );
}

export function diskTooSmall(freeBytes: number, needBytes: number, where: string): ImagePullError {
  const gb = (b: number) => (b / 1024 ** 3).toFixed(1);
  return new ImagePullError(
    'disk_full',
    `Not enough disk space for the runtime image: ${gb(freeBytes)} GB free on ${where}, about ${gb(needBytes)} GB needed.`,
    FREE_SPACE_FIX,
    false,
  );
}
