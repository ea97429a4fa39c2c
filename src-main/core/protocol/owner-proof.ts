import { getAddress, isAddress, verifyMessage } from 'ethers';
import { NETWORKS, type NetworkName } from './networks.js';

/**
 * The wallet binding message (docs/PROTOCOL.md, Account binding): plain text the operator's
 * wallet signs with EIP-191 `personal_sign`. Node and network both build it from its fields and
 * compare byte for byte, so a signed text with anything added or changed is refused.
 */
export interface BindingMessageFields {
  nodeId: string;
  network: NetworkName;
  wallet: string;
  /** Node clock, Unix ms; written as an ISO 8601 UTC time. */
  issuedAt: number;
  /** 16–64 lowercase hex characters. */
  nonce: string;
}

/** How old a wallet proof may be when the network receives it. */
export const OWNER_PROOF_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** How far in the future (network clock) a proof's issued-at may be. */
export const OWNER_PROOF_MAX_AHEAD_MS = 5 * 60 * 1000;

const HEADER = 'Resultity: bind a node to my wallet';
const PURPOSE =
  'Signing this text proves that I own the wallet below and that the node below is mine. ' +
  'It is not a transaction: it costs nothing and gives no access to funds.';

export function bindingMessage(f: BindingMessageFields): string {
  return [
    HEADER,
    '',
    PURPOSE,
    '',
    `Node ID: ${getAddress(f.nodeId)}`,
    `Network: ${f.network}`,
    `Wallet: ${getAddress(f.wallet)}`,
    `Issued at: ${new Date(f.issuedAt).toISOString()}`,
    `Nonce: ${f.nonce}`,
  ].join('\n');
}

const FIELD_LINES =
  /\nNode ID: (0x[0-9a-fA-F]{40})\nNetwork: ([a-z]+)\nWallet: (0x[0-9a-fA-F]{40})\nIssued at: (\S+)\nNonce: ([0-9a-f]{16,64})$/;

/** The fields of a binding message, or null when the text is not exactly one. */
export function parseBindingMessage(text: string): BindingMessageFields | null {
  const m = FIELD_LINES.exec(text);
  if (!m) return null;
  const [, nodeId, network, wallet, issued, nonce] = m as unknown as string[];
  if (!(NETWORKS as readonly string[]).includes(network!)) return null;
  if (!isAddress(nodeId) || !isAddress(wallet)) return null;
  const issuedAt = Date.parse(issued!);
  if (!Number.isFinite(issuedAt)) return null;
  const fields: BindingMessageFields = {
    nodeId: nodeId!,
    network: network as NetworkName,
    wallet: wallet!,
    issuedAt,
    nonce: nonce!,
  };
  return bindingMessage(fields) === text ? fields : null;
}

export interface WalletProof {
  address: string;
  message: string;
  signature: string;
}

export interface ProofExpectation {
  nodeId: string;
  network: NetworkName;
  /** Receiver's clock (the network's, or the node's for its own check). */
  now: number;
}

export type ProofCheck = { ok: true; fields: BindingMessageFields } | { ok: false; reason: string };

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Checks a wallet proof the way docs/PROTOCOL.md says; the reason is plain words. */
export function checkWalletProof(proof: WalletProof, expect: ProofExpectation): ProofCheck {
  const fields = parseBindingMessage(proof.message);
  if (!fields) {
    return {
      ok: false,
      reason: 'the signed text is not the binding message the node wrote (sign it unchanged)',
    };
  }
  if (!same(fields.wallet, proof.address)) {
    return { ok: false, reason: `the message names wallet ${fields.wallet}, not ${proof.address}` };
  }
  if (!same(fields.nodeId, expect.nodeId)) {
    return { ok: false, reason: `the message is for node ${fields.nodeId}, not this node` };
  }
  if (fields.network !== expect.network) {
    return { ok: false, reason: `the message is for the ${fields.network} network` };
  }
  if (fields.issuedAt > expect.now + OWNER_PROOF_MAX_AHEAD_MS) {
    return { ok: false, reason: 'the message is dated in the future: check the system clock' };
  }
  if (expect.now - fields.issuedAt > OWNER_PROOF_MAX_AGE_MS) {
    return { ok: false, reason: 'the message is older than 7 days: create and sign a new one' };
  }
  let signer: string;
  try {
    signer = verifyMessage(proof.message, proof.signature);
  } catch {
    return { ok: false, reason: 'the signature is not a valid EIP-191 signature' };
  }
  if (!same(signer, proof.address)) {
    return {
      ok: false,
      reason: `the signature was made by ${signer}, not by wallet ${getAddress(proof.address)}`,
    };
  }
  return { ok: true, fields };
}
