/** WebSocket close codes the IO service uses (docs/PROTOCOL.md), with plain explanations. */
export const CLOSE_UNAUTHORISED = 4401;
export const CLOSE_NOT_REGISTERED = 4404;
export const CLOSE_REPLACED = 4409;
export const CLOSE_VERSION = 4426;

const KNOWN: Record<number, string> = {
  1000: 'the network closed the connection normally',
  1001: 'the network is going away (restart or maintenance)',
  1006: 'the connection was lost without a goodbye (network problem or the service stopped)',
  1009: 'the network sent a frame larger than the 1 MiB limit',
  1011: 'the network hit an internal error',
  [CLOSE_UNAUTHORISED]: 'the network refused the session signature (check the system clock)',
  [CLOSE_NOT_REGISTERED]: 'the network does not know this node; it will register again',
  [CLOSE_REPLACED]:
    'another session for this node key replaced this one (is the node running twice?)',
  [CLOSE_VERSION]: 'this version of Resultity Node is no longer supported: update it',
};

export function describeClose(code: number, wireReason: string): string {
  const known = KNOWN[code] ?? `the connection closed (code ${code})`;
  return wireReason ? `${known}: ${wireReason}` : known;
}
