export type HealthAnswer =
  /** /health answered 200: the model is loaded and the engine serves. */
  | { kind: 'ok' }
  /** Not answering yet (connection refused, 503): still starting or loading. */
  | { kind: 'loading'; detail: string }
  | { kind: 'error'; detail: string };

/** One GET /health on vLLM (no API key needed there). */
export async function probeHealth(
  fetchFn: typeof fetch,
  baseUrl: string,
  timeoutMs: number,
): Promise<HealthAnswer> {
  try {
    const res = await fetchFn(`${baseUrl}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    if (res.status === 200) return { kind: 'ok' };
    if (res.status === 503) return { kind: 'loading', detail: '/health answered 503 (loading)' };
    return { kind: 'error', detail: `/health answered HTTP ${res.status}` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    const name = (err as Error).name;
    if (cause === 'ECONNREFUSED' || cause === 'ECONNRESET' || cause === 'UND_ERR_SOCKET') {
      return { kind: 'loading', detail: 'the server is not listening yet' };
    }
    if (name === 'TimeoutError' || name === 'AbortError') {
      return { kind: 'error', detail: `/health did not answer within ${timeoutMs} ms` };
    }
    return { kind: 'error', detail: `/health failed: ${(err as Error).message}` };
  }
}
