import { useState, type FormEvent } from 'react';
import type { OwnerBinding } from '../../../../src-main/contract/index.js';
import { Button } from '../../components/Button.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { useAction } from '../../components/use-action.js';
import { describeBinding, parseOwnerBinding } from '../../lib/validate-binding.js';
import { bridge } from '../../stores/bridge-ref.js';
import { useNodeStore } from '../../stores/node-store.js';

/** Binds the node to the operator's wallet or email; checked here first, then by the node. */
export function AccountBinding() {
  const owner = useNodeStore((s) => s.node?.owner ?? null);
  const [value, setValue] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const bind = useAction(async (binding: OwnerBinding | null) => {
    useNodeStore.getState().apply(await bridge().invoke('bindAccount', binding));
    setValue('');
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseOwnerBinding(value);
    if (!parsed.ok) {
      setInvalid(parsed.message);
      return;
    }
    setInvalid(null);
    void bind.run(parsed.binding);
  };
  return (
    <form className="field" onSubmit={submit} noValidate>
      <label className="field-label" htmlFor="owner">
        Account
      </label>
      <p className="field-help" id="owner-help">
        Rewards and the node&apos;s reputation go to this account. Now:{' '}
        <strong className="wrap-anywhere">{describeBinding(owner)}</strong>
      </p>
      <div className="input-row">
        <input
          id="owner"
          type="text"
          inputMode="email"
          autoComplete="off"
          spellCheck={false}
          placeholder="0x… wallet address or name@example.com"
          value={value}
          aria-invalid={invalid ? true : undefined}
          aria-describedby={invalid ? 'owner-help owner-error' : 'owner-help'}
          onChange={(e) => {
            setValue(e.target.value);
            if (invalid) setInvalid(null);
          }}
          data-testid="owner-input"
        />
        <Button type="submit" variant="primary" pending={bind.pending}>
          {owner ? 'Change' : 'Bind'}
        </Button>
        {owner ? (
          <Button variant="ghost" disabled={bind.pending} onClick={() => void bind.run(null)}>
            Remove
          </Button>
        ) : null}
      </div>
      {invalid ? (
        <p className="field-error" id="owner-error" role="alert" data-testid="owner-error">
          {invalid}
        </p>
      ) : null}
      {bind.error ? <ErrorNotice title="The account was not bound" error={bind.error} /> : null}
    </form>
  );
}
