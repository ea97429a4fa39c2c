import { computeAddress } from 'ethers';
import type { HardwareProfile } from '../../core/protocol/schemas/hardware.js';
import type { OwnerRef } from '../../core/protocol/schemas/account.js';
import type { HeartbeatBody, NodeStatus, RegisterBody } from '../../core/protocol/schemas/http.js';
import { signatureCheckFor, type SignatureCheck } from './key-verifier.js';

/** What the network knows about one node. Persisted fields first, live fields after. */
export interface NodeRecord {
  /** EIP-55 address (the node ID). */
  nodeId: string;
  publicKey: string;
  /** The verified owner (owner-desk.ts); a claim without valid proof never lands here. */
  owner: OwnerRef | null;
  ownerVerifiedAt: number | null;
  /** Issued-at of the wallet proof that bound `owner` (a proof not newer is a replay). */
  ownerProofIssuedAt: number | null;
  hardware: HardwareProfile;
  agentVersion: string;
  status: NodeStatus;
  statusReason: string;
  registeredAt: number;
  /** Clock time of the last accepted heartbeat (null: none since this devnet started). */
  lastHeartbeatAt: number | null;
  lastHeartbeat: HeartbeatBody | null;
  heartbeats: number;
  /** Held out of the rotation by the devnet's operator (admin API) until `until` (null: lifted by hand). */
  rotationHold: { reason: string; until: number | null } | null;
  checkSignature: SignatureCheck;
}

export type StoredNode = Omit<
  NodeRecord,
  'checkSignature' | 'lastHeartbeat' | 'lastHeartbeatAt' | 'heartbeats' | 'rotationHold'
>;

/** Registered nodes, keyed by lower-case node ID (addresses arrive in any case). */
export class NodeRegistry {
  private readonly nodes = new Map<string, NodeRecord>();

  constructor(
    restored: StoredNode[] = [],
    private readonly onChange: (node: NodeRecord) => void = () => {},
  ) {
    for (const n of restored) this.nodes.set(n.nodeId.toLowerCase(), live(n));
  }

  get(nodeId: string): NodeRecord | undefined {
    return this.nodes.get(nodeId.toLowerCase());
  }

  all(): IterableIterator<NodeRecord> {
    return this.nodes.values();
  }

  get size(): number {
    return this.nodes.size;
  }

  /**
   * Records a verified registration. A known node keeps its status and owner (registration is
   * idempotent; the owner claim is answered by the owner desk).
   */
  register(body: RegisterBody, now: number): { node: NodeRecord; created: boolean } {
    const nodeId = computeAddress(body.public_key);
    const known = this.get(nodeId);
    if (known) {
      known.hardware = body.hardware;
      known.agentVersion = body.agent_version;
      this.onChange(known);
      return { node: known, created: false };
    }
    const node = live({
      nodeId,
      publicKey: body.public_key.toLowerCase(),
      owner: null,
      ownerVerifiedAt: null,
      ownerProofIssuedAt: null,
      hardware: body.hardware,
      agentVersion: body.agent_version,
      status: 'pending_test',
      statusReason: 'waiting for the test task',
      registeredAt: now,
    });
    this.nodes.set(nodeId.toLowerCase(), node);
    this.onChange(node);
    return { node, created: true };
  }

  setStatus(node: NodeRecord, status: NodeStatus, reason: string): void {
    node.status = status;
    node.statusReason = reason;
    this.onChange(node);
  }

  setOwner(node: NodeRecord, owner: OwnerRef, at: number, proofIssuedAt: number | null): void {
    node.owner = owner;
    node.ownerVerifiedAt = at;
    node.ownerProofIssuedAt = proofIssuedAt;
    this.onChange(node);
  }

  recordHeartbeat(node: NodeRecord, body: HeartbeatBody, now: number): void {
    node.lastHeartbeat = body;
    node.lastHeartbeatAt = now;
    // The machine may have changed since registration (a card, a driver, the engine).
    if (body.hardware && JSON.stringify(body.hardware) !== JSON.stringify(node.hardware)) {
      node.hardware = body.hardware;
      this.onChange(node);
    }
    node.heartbeats++;
  }
}

function live(n: StoredNode): NodeRecord {
  return {
    ...n,
    // A state saved before owners were verified: its owner was a bare claim, never proven.
    owner: n.ownerVerifiedAt ? n.owner : null,
    ownerVerifiedAt: n.ownerVerifiedAt ?? null,
    ownerProofIssuedAt: n.ownerProofIssuedAt ?? null,
    lastHeartbeat: null,
    lastHeartbeatAt: null,
    heartbeats: 0,
    rotationHold: null,
    checkSignature: signatureCheckFor(n.publicKey),
  };
}

export function toStored(n: NodeRecord): StoredNode {
  return {
    nodeId: n.nodeId,
    publicKey: n.publicKey,
    owner: n.owner,
    ownerVerifiedAt: n.ownerVerifiedAt,
    ownerProofIssuedAt: n.ownerProofIssuedAt,
    hardware: n.hardware,
    agentVersion: n.agentVersion,
    status: n.status,
    statusReason: n.statusReason,
    registeredAt: n.registeredAt,
  };
}
