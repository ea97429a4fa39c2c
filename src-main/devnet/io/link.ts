import type { OperatorPause } from '../../core/protocol/schemas/pause.js';

/** A node's open, authenticated WebSocket session as the dispatcher sees it. */
export interface NodeLink {
  /** Lower-case node ID. */
  readonly nodeKey: string;
  readonly nodeId: string;
  readonly sessionId: string;
  readonly openedAt: number;
  /** From session_open, capped by the snapshot's jobs.max_queue_size when used. */
  readonly maxConcurrency: number;
  /** session_open.accepting, cleared when the network sent drain. */
  accepting: boolean;
  /** session_open.operator_pause: the operator paused the node (not downtime). */
  readonly operatorPause?: OperatorPause | null;
  /** Sends one text frame; a no-op once the socket is gone. */
  send(frame: string): void;
  /** Cuts the socket without a close handshake (fault injection). */
  drop(): void;
}
