import { randomInt } from 'node:crypto';
import { getAddress } from 'ethers';
import { checkWalletProof } from '../../core/protocol/owner-proof.js';
import type { NetworkName } from '../../core/protocol/networks.js';
import type {
  AccountBindingWire,
  OwnerRef,
  OwnerStatus,
} from '../../core/protocol/schemas/account.js';
import type { NodeRecord, NodeRegistry } from './registry.js';

/** A mail the devnet "sent" (it has no mail server): tests read the code from the admin API. */
export interface SentEmail {
  to: string;
  code: string;
  node_id: string;
  sent_at: number;
}

interface PendingCode {
  email: string;
  code: string;
  sentAt: number;
  tries: number;
}

const CODE_TTL_MS = 15 * 60 * 1000;
const CODE_TRIES = 5;
const OUTBOX_SIZE = 200;

/**
 * Verifies owner claims (docs/PROTOCOL.md, Account binding): a wallet's signed binding message,
 * or the code mailed to an email address. Only a verified owner is stored on the node record;
 * a refused claim leaves the previous owner bound.
 */
export class OwnerDesk {
  private readonly codes = new Map<string, PendingCode>();
  private readonly refusals = new Map<string, string>();
  private readonly sent: SentEmail[] = [];

  constructor(
    private readonly network: NetworkName,
    private readonly registry: Pick<NodeRegistry, 'setOwner'>,
    private readonly now: () => number,
  ) {}

  /** Answers a claim (null: no claim, the current owner is reported). */
  claim(node: NodeRecord, claim: AccountBindingWire | null): OwnerStatus {
    if (!claim) return this.status(node);
    const answer = claim.kind === 'wallet' ? this.wallet(node, claim) : this.email(node, claim);
    const key = node.nodeId.toLowerCase();
    if (answer.state === 'refused') this.refusals.set(key, answer.reason ?? 'refused');
    else this.refusals.delete(key);
    return answer;
  }

  /** What the network holds for this node. */
  status(node: NodeRecord): OwnerStatus {
    if (!node.owner) return { state: 'unbound', owner: null };
    return {
      state: 'bound',
      owner: node.owner,
      ...(node.ownerVerifiedAt !== null ? { verified_at: node.ownerVerifiedAt } : {}),
    };
  }

  /** The last refused claim of a node (admin view), or null. */
  lastRefusal(node: NodeRecord): string | null {
    return this.refusals.get(node.nodeId.toLowerCase()) ?? null;
  }

  /** Mails sent, newest last (optionally to one address). */
  emails(to?: string): SentEmail[] {
    return to ? this.sent.filter((m) => m.to === to.toLowerCase()) : [...this.sent];
  }

  private wallet(
    node: NodeRecord,
    claim: Extract<AccountBindingWire, { kind: 'wallet' }>,
  ): OwnerStatus {
    if (!claim.message || !claim.signature) {
      return this.refuse(node, 'no proof: the wallet must sign the binding message');
    }
    const now = this.now();
    const check = checkWalletProof(
      { address: claim.address, message: claim.message, signature: claim.signature },
      { nodeId: node.nodeId, network: this.network, now },
    );
    if (!check.ok) return this.refuse(node, check.reason);
    const owner: OwnerRef = { kind: 'wallet', address: getAddress(claim.address) };
    const last = node.ownerProofIssuedAt;
    if (last !== null && check.fields.issuedAt <= last) {
      // The same proof sent again (a node registering anew) is no change; an older one is a replay.
      if (check.fields.issuedAt === last && sameOwner(node.owner, owner)) return this.status(node);
      return this.refuse(node, 'this proof is older than the current binding: sign a new message');
    }
    this.registry.setOwner(node, owner, now, check.fields.issuedAt);
    return this.status(node);
  }

  private email(
    node: NodeRecord,
    claim: Extract<AccountBindingWire, { kind: 'email' }>,
  ): OwnerStatus {
    const email = claim.email.trim().toLowerCase();
    const owner: OwnerRef = { kind: 'email', email };
    const key = node.nodeId.toLowerCase();
    if (!claim.code) {
      if (sameOwner(node.owner, owner)) return this.status(node);
      return this.sendCode(node, email);
    }
    const pending = this.codes.get(key);
    if (!pending || pending.email !== email) {
      return this.refuse(node, `no code was sent to ${email} for this node: ask for a code first`);
    }
    if (this.now() - pending.sentAt > CODE_TTL_MS) {
      this.codes.delete(key);
      return this.refuse(node, 'the code has expired (15 minutes): ask for a new code');
    }
    if (claim.code !== pending.code) {
      pending.tries += 1;
      if (pending.tries >= CODE_TRIES) this.codes.delete(key);
      return this.refuse(
        node,
        pending.tries >= CODE_TRIES
          ? 'wrong code, 5 times: ask for a new code'
          : 'wrong code: check the latest email and type its 6 digits',
      );
    }
    this.codes.delete(key);
    this.registry.setOwner(node, owner, this.now(), null);
    return this.status(node);
  }

  private sendCode(node: NodeRecord, email: string): OwnerStatus {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const sentAt = this.now();
    this.codes.set(node.nodeId.toLowerCase(), { email, code, sentAt, tries: 0 });
    this.sent.push({ to: email, code, node_id: node.nodeId, sent_at: sentAt });
    if (this.sent.length > OUTBOX_SIZE) this.sent.shift();
    return {
      ...this.status(node),
      state: 'code_sent',
      reason: `a 6-digit code was sent to ${email}; it is valid for 15 minutes`,
    };
  }

  private refuse(node: NodeRecord, reason: string): OwnerStatus {
    return { ...this.status(node), state: 'refused', reason };
  }
}

function sameOwner(a: OwnerRef | null, b: OwnerRef): boolean {
  if (!a || a.kind !== b.kind) return false;
  return a.kind === 'wallet'
    ? a.address.toLowerCase() === (b as { address: string }).address.toLowerCase()
    : a.email.toLowerCase() === (b as { email: string }).email.toLowerCase();
}
