import type { AccountDto, NodeStateDto, OwnerBinding } from './dto.js';

/** A wallet shortened for a headline (0xAb12…9f3E); an email in full. */
export function shortOwner(owner: OwnerBinding): string {
  if (owner.kind === 'email') return owner.email;
  const a = owner.address;
  return `${a.slice(0, 6)}…${a.slice(-4)}`;
}

export interface AccountWords {
  /** One line for the Overview. */
  text: string;
  tone: 'ok' | 'warn' | 'muted';
  /** What is missing, as an action; null when the owner is verified. */
  problem: string | null;
}

/** The binding state in the node's DTO (older hosts send only `owner`). */
export function accountOf(node: Pick<NodeStateDto, 'owner' | 'account'>): AccountDto {
  return node.account ?? { owner: node.owner, state: node.owner ? 'unproven' : 'none' };
}

/**
 * The owner's binding in plain words: "Bound to 0xAb12…9f3E (verified)" or what is missing
 * and where to fix it. The Overview's reasons can list `problem`.
 */
export function accountWords(account: AccountDto): AccountWords {
  const { owner, state, reason } = account;
  const held = account.networkOwner;
  const still =
    held && state !== 'bound' ? ` The network still lists ${shortOwner(held)} as the owner.` : '';
  if (!owner) {
    if (held) {
      return {
        text: `Bound to ${shortOwner(held)} (verified by the network, not set on this computer)`,
        tone: 'ok',
        problem: null,
      };
    }
    const problem = 'Not bound to an account: bind a wallet or an email in Settings.';
    return { text: problem, tone: 'warn', problem };
  }
  const who = shortOwner(owner);
  switch (state) {
    case 'bound':
      return { text: `Bound to ${who} (verified)`, tone: 'ok', problem: null };
    case 'pending': {
      const problem = `${who} is checked on this computer and waits for the network's confirmation.${still}`;
      return { text: problem, tone: 'muted', problem };
    }
    case 'code_sent': {
      const problem = `Waiting for the code mailed to ${who}: enter it in Settings.${still}`;
      return { text: problem, tone: 'warn', problem };
    }
    case 'refused': {
      const why = reason ? ` ${reason}` : '';
      const problem = `Not bound to ${who}: the network refused it.${why} Bind again in Settings.${still}`;
      return { text: problem, tone: 'warn', problem };
    }
    default: {
      const problem = `${who} was saved without proof: bind it again in Settings (sign the message or confirm the email code).${still}`;
      return { text: problem, tone: 'warn', problem };
    }
  }
}
