/**
 * The headless node's flags to join a network that runs elsewhere (a devnet, by its URL and
 * pinned signer) and serve it from a runtime at its URL: its ordinary configuration surface.
 */
export function joinNetworkFlags(
  network: { url: string; signerAddress: string },
  runtime: { url: string; apiKey: string | null },
): string[] {
  return [
    '--io-url',
    network.url,
    '--network-signer',
    network.signerAddress,
    '--runtime-url',
    runtime.url,
    ...(runtime.apiKey ? [`--runtime-api-key=${runtime.apiKey}`] : []),
  ];
}
