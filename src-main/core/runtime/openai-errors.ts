import { RuntimeError } from './runtime.js';

/** Pulls the human message out of an OpenAI/vLLM error body (`{error:{message}}`, `{message}`). */
export function errorMessageFromBody(text: string): string | null {
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object') {
      const err = (body as { error?: unknown }).error;
      if (
        err &&
        typeof err === 'object' &&
        typeof (err as { message?: unknown }).message === 'string'
      )
        return (err as { message: string }).message;
      if (typeof err === 'string') return err;
      const message = (body as { message?: unknown }).message;
      if (typeof message === 'string') return message;
      const detail = (body as { detail?: unknown }).detail;
      if (typeof detail === 'string') return detail;
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  const trimmed = text.trim();
  return trimmed ? trimmed.slice(0, 300) : null;
}

/** A RuntimeError caused by an HTTP error answer; keeps the status code. */
export class RuntimeHttpError extends RuntimeError {
  constructor(
    message: string,
    code: RuntimeError['code'],
    readonly status: number,
  ) {
    super(message, code);
  }
}

/** Maps an HTTP error answer from the runtime to a RuntimeError with plain words. */
export function httpError(status: number, bodyText: string, url: string): RuntimeHttpError {
  const e = (message: string, code: RuntimeError['code']) =>
    new RuntimeHttpError(message, code, status);
  const said = errorMessageFromBody(bodyText);
  const suffix = said ? ` The runtime said: ${said}` : '';
  if (status === 400 || status === 413 || status === 422) {
    return e(
      `The runtime refused the request as invalid (HTTP ${status}).${suffix}`,
      'bad_request',
    );
  }
  if (status === 404) {
    return e(
      `The runtime at ${url} does not know this model or path (HTTP 404).${suffix} Check that it serves the model the job asks for.`,
      'bad_request',
    );
  }
  if (status === 401 || status === 403) {
    return e(
      `The runtime at ${url} refused the API key (HTTP ${status}). Check that the node and the runtime use the same key.`,
      'failed',
    );
  }
  if (status === 408 || status === 504) {
    return e(`The runtime timed out (HTTP ${status}).${suffix}`, 'timeout');
  }
  if (status === 429 || status === 502 || status === 503) {
    return e(
      `The runtime is busy or not ready (HTTP ${status}).${suffix} It may still be loading the model.`,
      'unavailable',
    );
  }
  return e(`The runtime failed the request (HTTP ${status}).${suffix}`, 'failed');
}

/** Maps a transport failure (refused connection, reset, DNS) to a RuntimeError. */
export function transportError(err: unknown, url: string): RuntimeError {
  if (err instanceof RuntimeError) return err;
  const cause = (err as { cause?: { code?: string; message?: string } } | null)?.cause;
  const code = cause?.code ?? (err as { code?: string } | null)?.code;
  const detail = cause?.message ?? (err instanceof Error ? err.message : String(err));
  if (code === 'ECONNREFUSED') {
    return new RuntimeError(
      `Nothing answers at ${url} (connection refused). Start the runtime or check its address.`,
      'unavailable',
      'refused',
    );
  }
  return new RuntimeError(
    `The connection to the runtime at ${url} failed (${code ?? detail}).`,
    'unavailable',
  );
}

export function isAbortError(err: unknown): boolean {
  return (
    err instanceof Error &&
    (err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR')
  );
}
