import { Button } from '../../components/Button.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { useAction } from '../../components/use-action.js';
import { useState } from 'react';
import { bridge } from '../../stores/bridge-ref.js';

export function KeyBackup() {
  const [path, setPath] = useState<string | null>(null);
  const backup = useAction(async () =>
    setPath((await bridge().invoke('backupKey', undefined)).path),
  );
  return (
    <div className="form">
      <p>
        Save an encrypted copy of this node&apos;s key so you can restore the same node ID on
        another machine.
      </p>
      <div className="notice notice-warn" role="note">
        <div>
          <p className="notice-title">Keep the backup private</p>
          <p className="notice-body">
            Anyone with this file and its passphrase controls your node: they can run it as you and
            receive its rewards. Store it offline, never share it, and never paste the passphrase
            anywhere.
          </p>
        </div>
      </div>
      <div className="form-actions">
        <Button icon="key" pending={backup.pending} onClick={() => backup.run()}>
          Back up the key…
        </Button>
      </div>
      {path ? (
        <p className="text-ok" role="status">
          Saved to <code className="wrap-anywhere">{path}</code>
        </p>
      ) : null}
      {backup.error ? <ErrorNotice title="The key was not backed up" error={backup.error} /> : null}
    </div>
  );
}
