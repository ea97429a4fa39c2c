import { useState, type FormEvent } from 'react';
import { Button } from '../../components/Button.js';
import { CopyButton } from '../../components/CopyButton.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { useAction } from '../../components/use-action.js';
import { parseOwnerBinding } from '../../lib/validate-binding.js';
import { bridge } from '../../stores/bridge-ref.js';
import { useNodeStore } from '../../stores/node-store.js';

/** Wallet binding: the node writes the message, the operator's wallet signs it, the node checks it. */
export function WalletBinding() {
  const [address, setAddress] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [signature, setSignature] = useState('');
  const create = useAction(async (wallet: string) => {
    setMessage((await bridge().invoke('walletBindingMessage', { address: wallet })).message);
  });
  const bind = useAction(async () => {
    if (!message) return;
    useNodeStore.getState().apply(await bridge().invoke('bindWallet', { message, signature }));
    setMessage(null);
    setSignature('');
    setAddress('');
  });
  const submitAddress = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseOwnerBinding(address);
    if (!parsed.ok || parsed.binding.kind !== 'wallet') {
      setInvalid(parsed.ok ? 'Enter a wallet address starting with 0x.' : parsed.message);
      return;
    }
    setInvalid(null);
    void create.run(parsed.binding.address);
  };
  return (
    <div className="form">
      <form onSubmit={submitAddress} noValidate>
        <label className="field-help" htmlFor="wallet-address">
          1. Your wallet address
        </label>
        <div className="input-row">
          <input
            id="wallet-address"
            type="text"
            autoComplete="off"
            spellCheck={false}
            placeholder="0x…"
            value={address}
            aria-invalid={invalid ? true : undefined}
            onChange={(e) => {
              setAddress(e.target.value);
              if (invalid) setInvalid(null);
            }}
            data-testid="wallet-address-input"
          />
          <Button type="submit" pending={create.pending} data-testid="wallet-message-create">
            Create the message
          </Button>
        </div>
      </form>
      {invalid ? (
        <p className="field-error" role="alert" data-testid="wallet-address-error">
          {invalid}
        </p>
      ) : null}
      {create.error ? (
        <ErrorNotice title="The message was not created" error={create.error} />
      ) : null}
      {message ? (
        <>
          <p className="field-help">
            2. Sign this exact text with that wallet (EIP-191 <code>personal_sign</code>: a browser
            wallet, a hardware wallet, or <code>cast wallet sign</code>). Signing is not a
            transaction: it costs nothing and moves no funds.
          </p>
          <pre className="readonly-value binding-message" data-testid="wallet-message">
            {message}
          </pre>
          <div className="form-actions">
            <CopyButton value={message} label="Copy the message" />
          </div>
          <label className="field-help" htmlFor="wallet-signature">
            3. Paste the signature (0x… 130 hexadecimal characters). This node checks it first, then
            sends it to the network now if the node is running, or when it next starts.
          </label>
          <div className="input-row">
            <input
              id="wallet-signature"
              type="text"
              autoComplete="off"
              spellCheck={false}
              placeholder="0x…"
              value={signature}
              onChange={(e) => setSignature(e.target.value)}
              data-testid="wallet-signature-input"
            />
            <Button
              variant="primary"
              pending={bind.pending}
              disabled={signature.trim() === ''}
              onClick={() => void bind.run()}
              data-testid="wallet-bind"
            >
              Check and bind
            </Button>
          </div>
        </>
      ) : null}
      {bind.error ? <ErrorNotice title="The wallet was not bound" error={bind.error} /> : null}
    </div>
  );
}
