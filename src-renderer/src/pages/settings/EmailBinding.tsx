import { useState, type FormEvent } from 'react';
import type { AccountDto } from '../../../../src-main/contract/index.js';
import { Button } from '../../components/Button.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { useAction } from '../../components/use-action.js';
import { parseOwnerBinding } from '../../lib/validate-binding.js';
import { bridge } from '../../stores/bridge-ref.js';
import { useNodeStore } from '../../stores/node-store.js';

/** Email binding: the network mails a code to the address, the operator types it here. */
export function EmailBinding({
  account,
  running,
  local,
}: {
  account: AccountDto;
  running: boolean;
  local: boolean;
}) {
  const [email, setEmail] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const apply = useNodeStore.getState().apply;
  const request = useAction(async (address: string) => {
    apply(await bridge().invoke('requestEmailCode', { email: address }));
    setEmail('');
  });
  const confirm = useAction(async () => {
    apply(await bridge().invoke('confirmEmailCode', { code }));
    setCode('');
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseOwnerBinding(email);
    if (!parsed.ok || parsed.binding.kind !== 'email') {
      setInvalid(parsed.ok ? 'Enter an email address (name@example.com).' : parsed.message);
      return;
    }
    setInvalid(null);
    void request.run(parsed.binding.email);
  };
  const waiting =
    account.owner?.kind === 'email' &&
    (account.state === 'code_sent' || account.state === 'refused');
  return (
    <div className="form">
      <p className="field-help">
        The network mails a 6-digit code to the address; type it here to confirm.
        {running ? '' : ' Start the node first: the network only mails a running, registered node.'}
        {local
          ? ' The local network sends no real mail: it lists its codes at GET /v1/admin/emails on its admin API.'
          : ''}
      </p>
      <form onSubmit={submit} noValidate>
        <div className="input-row">
          <input
            id="owner-email"
            type="text"
            inputMode="email"
            autoComplete="email"
            spellCheck={false}
            placeholder="name@example.com"
            aria-label="Email address"
            value={email}
            aria-invalid={invalid ? true : undefined}
            onChange={(e) => {
              setEmail(e.target.value);
              if (invalid) setInvalid(null);
            }}
            data-testid="email-input"
          />
          <Button type="submit" pending={request.pending} data-testid="email-send-code">
            Send a code
          </Button>
        </div>
      </form>
      {invalid ? (
        <p className="field-error" role="alert" data-testid="email-error">
          {invalid}
        </p>
      ) : null}
      {request.error ? <ErrorNotice title="No code was sent" error={request.error} /> : null}
      {waiting ? (
        <div className="input-row">
          <input
            type="text"
            inputMode="numeric"
            autoComplete="one-time-code"
            placeholder="6-digit code"
            aria-label={`Code mailed to ${account.owner?.kind === 'email' ? account.owner.email : ''}`}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            data-testid="email-code-input"
          />
          <Button
            variant="primary"
            pending={confirm.pending}
            disabled={code.trim() === ''}
            onClick={() => void confirm.run()}
            data-testid="email-confirm"
          >
            Confirm
          </Button>
        </div>
      ) : null}
      {confirm.error ? <ErrorNotice title="The email was not bound" error={confirm.error} /> : null}
    </div>
  );
}
