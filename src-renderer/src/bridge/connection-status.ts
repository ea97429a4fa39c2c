/** How the page is connected to the node service. The Electron bridge is always 'connected'. */
export type ConnectionStatus =
  | { kind: 'connecting' }
  | { kind: 'connected' }
  | { kind: 'reconnecting'; attempt: number; retryAt: number; reason: string }
  | { kind: 'unauthorized'; reason: string };

/** A bridge whose connection can come and go (the WebSocket one). */
export interface ConnectionSource {
  readonly status: ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
}

export function isConnectionSource(value: unknown): value is ConnectionSource {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { onStatus?: unknown }).onStatus === 'function'
  );
}
