import { useState } from 'react';
import { assessPassphrase, type KeyBackupResult } from '../../../../src-main/contract/index.js';
import { Button } from '../../components/Button.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { useAction } from '../../components/use-action.js';
import { downloadTextFile } from '../../lib/download-file.js';
import { bridge } from '../../stores/bridge-ref.js';

const VERDICT_WORDS = { weak: 'Weak', fair: 'Fair', good: 'Good', strong: 'Strong' } as const;

function BackupDone({ result }: { result: KeyBackupResult }) {
  if (result.path === null) {
    return <p role="status">Not saved: the save dialog was cancelled.</p>;
  }
  return (
    <p className="text-ok" role="status" data-testid="backup-done">
      {result.content ? `Downloaded ${result.fileName}; a copy is in ` : 'Saved to '}
      <code className="wrap-anywhere">{result.path}</code>. Keep the passphrase with it: without it
      the backup cannot be opened.
    </p>
  );
}

/** "Back up key": a passphrase with strength feedback, then a standard encrypted key file. */
export function KeyBackup() {
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [result, setResult] = useState<KeyBackupResult | null>(null);
  const strength = assessPassphrase(passphrase);
  const mismatch = again !== '' && again !== passphrase;
  const backup = useAction(async () => {
    const r = await bridge().invoke('backupKey', { passphrase });
    // Headless: the file comes back for the browser to save; the desktop saved it already.
    if (r.content) downloadTextFile(r.fileName, r.content);
    setResult(r);
    setPassphrase('');
    setAgain('');
  });
  return (
    <form
      className="form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (strength.acceptable && passphrase === again) void backup.run();
      }}
    >
      <p>
        Save this node&apos;s key as a standard encrypted key file (Web3 Secret Storage, the format
        of Ethereum wallets) under a passphrase you choose. Restore it with this app&apos;s
        &quot;Import key&quot;, the headless <code>--import-key</code>, or any Ethereum tool.
      </p>
      <div className="field">
        <label className="field-label" htmlFor="backup-passphrase">
          Backup passphrase
        </label>
        <input
          id="backup-passphrase"
          type="password"
          autoComplete="new-password"
          value={passphrase}
          aria-describedby="backup-strength"
          onChange={(e) => setPassphrase(e.target.value)}
          data-testid="backup-passphrase"
        />
        <p
          className="field-help"
          id="backup-strength"
          data-testid="backup-strength"
          aria-live="polite"
        >
          {passphrase === ''
            ? 'At least 12 characters; several unrelated words are easy to remember and hard to guess.'
            : `${VERDICT_WORDS[strength.verdict]}. ${strength.feedback}`}
        </p>
      </div>
      <div className="field">
        <label className="field-label" htmlFor="backup-passphrase-again">
          The passphrase again
        </label>
        <input
          id="backup-passphrase-again"
          type="password"
          autoComplete="new-password"
          value={again}
          aria-invalid={mismatch ? true : undefined}
          onChange={(e) => setAgain(e.target.value)}
          data-testid="backup-passphrase-again"
        />
        {mismatch ? (
          <p className="field-error" role="alert">
            The two passphrases differ.
          </p>
        ) : null}
      </div>
      <div className="notice notice-warn" role="note">
        <div>
          <p className="notice-title">Keep the backup private</p>
          <p className="notice-body">
            Anyone with this file and its passphrase controls your node: they can run it as you and
            receive its rewards. Store it offline, never share it, and run the key on one machine
            only.
          </p>
        </div>
      </div>
      <div className="form-actions">
        <Button
          type="submit"
          icon="key"
          pending={backup.pending}
          disabled={!strength.acceptable || passphrase !== again}
          data-testid="backup-key"
        >
          Back up the key…
        </Button>
      </div>
      {result ? <BackupDone result={result} /> : null}
      {backup.error ? <ErrorNotice title="The key was not backed up" error={backup.error} /> : null}
    </form>
  );
}
