import { useState } from 'react';
import { Button } from '../../components/Button.js';
import { accountOf, accountWords } from '../../../../src-main/contract/index.js';
import { useNodeStore } from '../../stores/node-store.js';
import { EmailBinding } from './EmailBinding.js';
import { WalletBinding } from './WalletBinding.js';

/**
 * Binds the node to the operator's wallet or email with proof: a wallet signature (checked on
 * this computer, then by the network) or the code the network mails. Shows the network's answer.
 */
export function AccountBinding() {
  const node = useNodeStore((s) => s.node);
  const account = node ? accountOf(node) : { owner: null, state: 'none' as const };
  const [mode, setMode] = useState<'wallet' | 'email'>(
    account.owner?.kind === 'email' ? 'email' : 'wallet',
  );
  const words = accountWords(account);
  return (
    <div className="field">
      <span className="field-label" id="account-label">
        Account
      </span>
      <p className="field-help">
        Rewards and the node&apos;s reputation go to the account the network has verified for this
        node. Binding needs proof: a signature by the wallet, or a code mailed to the email address.
        Changing the account later needs a new proof.
      </p>
      <p role="status" data-testid="account-binding-status">
        <strong className="wrap-anywhere">{words.text}</strong>
      </p>
      <div className="input-row" role="group" aria-labelledby="account-label">
        <Button
          size="sm"
          variant={mode === 'wallet' ? 'primary' : 'ghost'}
          aria-pressed={mode === 'wallet'}
          onClick={() => setMode('wallet')}
          data-testid="bind-mode-wallet"
        >
          Wallet
        </Button>
        <Button
          size="sm"
          variant={mode === 'email' ? 'primary' : 'ghost'}
          aria-pressed={mode === 'email'}
          onClick={() => setMode('email')}
          data-testid="bind-mode-email"
        >
          Email
        </Button>
      </div>
      {mode === 'wallet' ? (
        <WalletBinding />
      ) : (
        <EmailBinding
          account={account}
          running={node ? node.state !== 'stopped' && node.state !== 'not_initialised' : false}
          local={node?.network === 'local'}
        />
      )}
    </div>
  );
}
