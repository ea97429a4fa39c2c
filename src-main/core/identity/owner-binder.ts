import { randomBytes } from 'node:crypto';
import { getAddress } from 'ethers';
import { Emitter, type Event } from '../base/event.js';
import type { Clock } from '../clock.js';
import { bindingMessage, checkWalletProof, parseBindingMessage } from '../protocol/owner-proof.js';
import type { NetworkName } from '../protocol/networks.js';
import type {
  AccountBindingWire,
  AccountState,
  OwnerRef,
  OwnerStatus,
} from '../protocol/schemas/account.js';
import type { DataDirs } from '../store/data-dirs.js';
import {
  AccountBindingError,
  NO_OWNER,
  loadOwnerRecord,
  parseAccountBinding,
  saveOwnerRecord,
  type AccountBinding,
  type OwnerRecord,
} from './account-binding.js';

/** Sends one owner claim to the network (the running node's signed client). */
export type OwnerClaimSender = (claim: AccountBindingWire) => Promise<OwnerStatus>;

export interface OwnerBinderOptions {
  dirs: DataDirs;
  network: NetworkName;
  clock: Clock;
  /** This node's ID, once its key exists. */
  nodeId: () => string | null;
  /** Persistence (default: settings/account-binding.json of the network's folder). */
  save?: (record: OwnerRecord) => Promise<void>;
}

const LOST = 'The network no longer lists this owner for the node: bind it again.';

/**
 * The node's owner with proof (docs/PROTOCOL.md, Account binding): builds the wallet binding
 * message, checks the pasted signature before anything is saved or sent, forwards email codes,
 * and keeps what the network answered. The agent reads `claim` at registration and `state` for
 * heartbeats, and reports the network's answers through `heard`.
 */
export class OwnerBinder {
  private rec: OwnerRecord = NO_OWNER;
  private sender: OwnerClaimSender | null = null;
  private readonly changed = new Emitter<OwnerRecord>();
  readonly onChange: Event<OwnerRecord> = this.changed.event;

  constructor(private readonly o: OwnerBinderOptions) {}

  async load(): Promise<OwnerRecord> {
    this.rec = await loadOwnerRecord(this.o.dirs);
    return this.rec;
  }

  record(): OwnerRecord {
    return this.rec;
  }

  /** The running node's sender, or null when no node runs (claims then wait for the next start). */
  setSender(sender: OwnerClaimSender | null): void {
    this.sender = sender;
  }

  /** The text the operator's wallet signs for `address` (fresh time and nonce each call). */
  walletMessage(address: string): string {
    const wallet = parseAccountBinding({ kind: 'wallet', address });
    if (wallet.kind !== 'wallet') throw new AccountBindingError('Expected a wallet address.');
    return bindingMessage({
      nodeId: this.requireNodeId(),
      network: this.o.network,
      wallet: wallet.address,
      issuedAt: this.o.clock.now(),
      nonce: randomBytes(16).toString('hex'),
    });
  }

  /**
   * Checks the signature here (nothing is saved or sent when it fails), saves the proof and
   * sends it when the node runs; otherwise it goes with the next start.
   */
  async bindWallet(message: string, pasted: string): Promise<OwnerRecord> {
    // Some tools print the signature without 0x; nothing else is rewritten.
    const signature = /^[0-9a-fA-F]{130}$/.test(pasted.trim())
      ? `0x${pasted.trim()}`
      : pasted.trim();
    if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) {
      throw new AccountBindingError(
        'A signature is 0x followed by 130 hexadecimal characters; copy the whole output of the signing tool.',
      );
    }
    const fields = parseBindingMessage(message);
    if (!fields) {
      throw new AccountBindingError(
        'That is not the binding message this node wrote. Create the message again and sign it unchanged.',
      );
    }
    const check = checkWalletProof(
      { address: fields.wallet, message, signature },
      { nodeId: this.requireNodeId(), network: this.o.network, now: this.o.clock.now() },
    );
    if (!check.ok) {
      throw new AccountBindingError(
        `The signature was not accepted: ${check.reason}. Nothing was changed.`,
      );
    }
    const owner: AccountBinding = { kind: 'wallet', address: getAddress(fields.wallet) };
    await this.store({
      owner,
      proof: { message, signature },
      state: 'pending',
      reason: 'Checked on this computer; not yet confirmed by the network.',
      ...this.networkView(),
    });
    return this.sendPending();
  }

  /** Asks the network to mail a code to `email` (the node must be running and registered). */
  async requestEmailCode(email: string): Promise<OwnerRecord> {
    const owner = parseAccountBinding({ kind: 'email', email });
    if (owner.kind !== 'email') throw new AccountBindingError('Expected an email address.');
    const answer = await this.requireSender()({ kind: 'email', email: owner.email });
    await this.store({ owner, state: 'pending', ...this.networkView() });
    return this.applyAnswer(answer);
  }

  /** Forwards the code the operator received for the email being bound. */
  async confirmEmailCode(code: string): Promise<OwnerRecord> {
    const owner = this.rec.owner;
    if (owner?.kind !== 'email' || this.rec.state === 'bound') {
      throw new AccountBindingError('No email is waiting for a code: ask for a code first.');
    }
    const digits = code.replace(/\s+/g, '');
    if (!/^[0-9]{6}$/.test(digits)) {
      throw new AccountBindingError('The code is the 6 digits from the email.');
    }
    const answer = await this.requireSender()({ kind: 'email', email: owner.email, code: digits });
    return this.applyAnswer(answer);
  }

  /** Sends a saved proof the network has not answered yet (after a start, or just saved). */
  async sendPending(): Promise<OwnerRecord> {
    const claim = this.rec.state === 'pending' ? this.claim() : null;
    if (!claim || !this.sender) return this.rec;
    try {
      return await this.applyAnswer(await this.sender(claim));
    } catch (err) {
      await this.store({
        ...this.rec,
        reason: `Saved, not yet sent to the network (${(err as Error).message}); it is sent again when the node next starts.`,
      });
      return this.rec;
    }
  }

  /** The claim a registration carries (null: no owner set). */
  claim(): AccountBindingWire | null {
    const { owner, proof } = this.rec;
    if (!owner) return null;
    if (owner.kind === 'email') return { kind: 'email', email: owner.email };
    return { kind: 'wallet', address: owner.address, ...(proof ?? {}) };
  }

  /** The node's view, carried by heartbeats. */
  state(): AccountState {
    return { owner: this.rec.owner, state: this.rec.state };
  }

  /** The network's answer to a registration (a claim answer) or a heartbeat (its view). */
  async heard(
    status: OwnerStatus | undefined,
    source: 'registration' | 'heartbeat',
  ): Promise<void> {
    if (!status) return;
    if (source === 'registration' && this.rec.owner) {
      await this.applyAnswer(status);
      return;
    }
    const mine = this.rec.owner;
    const held = status.owner;
    let next: OwnerRecord = { ...this.rec, network_owner: held ? toBinding(held) : null };
    if (status.state === 'bound' && mine && sameOwner(held, mine) && this.rec.state !== 'bound') {
      if (this.rec.state === 'pending' || this.rec.state === 'unproven') {
        next = { ...next, state: 'bound', reason: undefined, ...verifiedAt(status) };
      }
    } else if (this.rec.state === 'bound' && mine && !sameOwner(held, mine)) {
      next = { ...next, state: 'refused', reason: LOST };
    }
    if (JSON.stringify(next) === JSON.stringify(this.rec)) return;
    // What the network holds is shown, not saved: heartbeats write nothing unless the state moves.
    if (next.state === this.rec.state) {
      this.rec = next;
      this.changed.fire(next);
      return;
    }
    await this.store(next);
  }

  private async applyAnswer(status: OwnerStatus): Promise<OwnerRecord> {
    const base = { ...this.rec, network_owner: status.owner ? toBinding(status.owner) : null };
    const reason = status.reason ? sentence(status.reason) : undefined;
    let next: OwnerRecord;
    if (status.state === 'bound') {
      next = sameOwner(status.owner, this.rec.owner)
        ? { ...base, state: 'bound', reason: undefined, ...verifiedAt(status) }
        : { ...base, state: 'refused', reason: 'The network bound another owner to this node.' };
    } else if (status.state === 'unbound') {
      next = base;
    } else {
      next = { ...base, state: status.state, reason };
    }
    await this.store(next);
    return this.rec;
  }

  private async store(next: OwnerRecord): Promise<void> {
    const clean = JSON.parse(JSON.stringify(next)) as OwnerRecord; // drops undefined fields
    await (this.o.save ?? ((r) => saveOwnerRecord(this.o.dirs, r)))(clean);
    this.rec = clean;
    this.changed.fire(clean);
  }

  private networkView(): Pick<OwnerRecord, 'network_owner'> {
    return this.rec.network_owner === undefined ? {} : { network_owner: this.rec.network_owner };
  }

  private requireNodeId(): string {
    const id = this.o.nodeId();
    if (!id) {
      throw new AccountBindingError(
        'This node has no key yet: start the node once, then bind the owner.',
      );
    }
    return id;
  }

  private requireSender(): OwnerClaimSender {
    if (!this.sender) {
      throw new AccountBindingError(
        'Start the node first: the network mails the code only to a running, registered node.',
      );
    }
    return this.sender;
  }
}

function toBinding(ref: OwnerRef): AccountBinding {
  return ref.kind === 'wallet'
    ? { kind: 'wallet', address: getAddress(ref.address) }
    : { kind: 'email', email: ref.email };
}

function sameOwner(a: OwnerRef | null, b: AccountBinding | null): boolean {
  if (!a || !b || a.kind !== b.kind) return false;
  if (a.kind === 'wallet' && b.kind === 'wallet') {
    return a.address.toLowerCase() === b.address.toLowerCase();
  }
  return (
    a.kind === 'email' && b.kind === 'email' && a.email.toLowerCase() === b.email.toLowerCase()
  );
}

function verifiedAt(status: OwnerStatus): Pick<OwnerRecord, 'verified_at'> {
  return status.verified_at !== undefined ? { verified_at: status.verified_at } : {};
}

/** The network's plain-words reason as a sentence for the UI. */
function sentence(text: string): string {
  const t = text.trim();
  const capital = t ? t[0]!.toUpperCase() + t.slice(1) : t;
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
