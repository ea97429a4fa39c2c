/** The simulated runtime is for the local devnet only. */
export class SimulatedRuntimeRefused extends Error {
  override readonly name = 'SimulatedRuntimeRefused';
}

/**
 * Refuses a SIMULATED runtime off the local network: the devnet's simulator says so in its
 * `/version`. An endpoint that does not answer is left to the runtime's own health checks.
 */
export async function assertRealRuntime(
  url: string,
  network: string,
  fetchFn: typeof fetch = fetch,
): Promise<void> {
  let body: unknown;
  try {
    const res = await fetchFn(new URL('/version', url), { signal: AbortSignal.timeout(3000) });
    body = res.ok ? await res.json() : null;
  } catch {
    return;
  }
  if ((body as { simulated?: unknown } | null)?.simulated === true) {
    throw new SimulatedRuntimeRefused(
      `The runtime at ${url} is the SIMULATED runtime, which is refused on ${network}: it produces no real inference. Point --runtime-url at a real vLLM server.`,
    );
  }
}
