/**
 * Failures talking to the IO service, each with a stable `code` and a message an operator can
 * act on. The agent reacts on the class (re-register, wait and retry, fix the clock).
 */
export type IoErrorCode =
  | 'unreachable'
  | 'timeout'
  | 'not_registered'
  | 'registration_refused'
  | 'clock_skew'
  | 'rate_limited'
  | 'invalid_response'
  | 'redirected'
  | 'too_large'
  | 'insecure_url'
  | 'rejected';

export class IoError extends Error {
  constructor(
    readonly code: IoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The network could not be reached at all (DNS, refused connection, TLS, timeout). */
export class IoUnreachableError extends IoError {
  constructor(url: string, detail: string, options?: { cause?: unknown }) {
    super(
      'unreachable',
      `Cannot reach the network at ${url} (${detail}). Check the internet connection; the node keeps retrying.`,
      options,
    );
  }
}

export class IoTimeoutError extends IoError {
  constructor(url: string, timeoutMs: number) {
    super(
      'timeout',
      `The network at ${url} did not answer within ${Math.round(timeoutMs / 1000)} s. The node retries; if this persists, check the connection.`,
    );
  }
}

/** The network does not know this node (any more): register again with the same key. */
export class IoNotRegisteredError extends IoError {
  constructor(detail: string) {
    super('not_registered', `The network does not know this node (${detail}); registering again.`);
  }
}

export class IoRegistrationRefusedError extends IoError {
  constructor(detail: string) {
    super('registration_refused', `The network refused to register this node: ${detail}`);
  }
}

/** The local clock is too far from the network's for signed messages to be accepted. */
export class IoClockSkewError extends IoError {
  constructor(readonly offsetMs: number | null) {
    super(
      'clock_skew',
      offsetMs === null
        ? 'The network refused the message timestamp: your system clock is probably wrong; enable automatic time sync.'
        : `Your system clock is ${Math.round(Math.abs(offsetMs) / 1000)} s ${offsetMs > 0 ? 'ahead' : 'behind'}; enable automatic time sync (NTP) and the node will reconnect.`,
    );
  }
}

export class IoRateLimitedError extends IoError {
  constructor(readonly retryAfterMs: number | null) {
    super(
      'rate_limited',
      `The network asked this node to slow down${retryAfterMs ? ` for ${Math.ceil(retryAfterMs / 1000)} s` : ''}; it will retry.`,
    );
  }
}

/** The network answered something this node cannot understand (version mismatch or a bug). */
export class IoInvalidResponseError extends IoError {
  constructor(what: string, detail: string) {
    super(
      'invalid_response',
      `The network sent an unexpected answer to ${what} (${detail}). If this persists, update Resultity Node.`,
    );
  }
}

/** The network answered with a redirect: never followed (a signed body is not re-sent elsewhere). */
export class IoRedirectError extends IoError {
  constructor(url: string, status: number, location: string | null) {
    super(
      'redirected',
      `The network at ${url} answered HTTP ${status}, a redirect${location ? ` to ${location}` : ''}; redirects are never followed. If the network moved, update Resultity Node.`,
    );
  }
}

/** An answer larger than the endpoint's cap: refused while reading, so memory stays bounded. */
export class IoResponseTooLargeError extends IoError {
  constructor(url: string, capBytes: number) {
    super(
      'too_large',
      `The network's answer from ${url} is larger than the ${Math.round(capBytes / 1024)} KiB this request allows; it was refused.`,
    );
  }
}

/** A public network reached over plain HTTP: refused before any request. */
export class IoInsecureUrlError extends IoError {
  constructor(url: string) {
    super(
      'insecure_url',
      `The network address ${url} is not https://; public networks are only reached over HTTPS.`,
    );
  }
}

/** Any other refusal, carrying the wire error code the network sent. */
export class IoRejectedError extends IoError {
  constructor(
    readonly status: number,
    readonly wireCode: string,
    detail: string,
  ) {
    super('rejected', `The network refused the request (${wireCode}): ${detail}`);
  }
}
