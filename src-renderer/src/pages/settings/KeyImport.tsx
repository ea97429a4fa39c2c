import { useState } from 'react';
import type { KeyImportResult } from '../../../../src-main/contract/index.js';
import { Button } from '../../components/Button.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { useAction } from '../../components/use-action.js';
import { bridge } from '../../stores/bridge-ref.js';

function outcomeText(r: KeyImportResult): string {
  switch (r.outcome) {
    case 'cancelled':
      return 'No file was chosen; nothing changed.';
    case 'same':
      return `This backup holds the key this node already uses (node ID ${r.nodeId ?? ''}); nothing changed.`;
    case 'imported':
      return `Imported: this app now runs as node ${r.nodeId ?? ''}. Press Start to serve jobs.`;
    case 'replaced':
      return (
        `Imported: this app now runs as node ${r.nodeId ?? ''}. The previous key` +
        `${r.previousNodeId ? ` (node ${r.previousNodeId})` : ''} was kept as ${r.keptAside ?? ''}.`
      );
  }
}

/**
 * "Import key" (desktop): the file is chosen and read in the main process, which also asks
 * before a different key is replaced; only the passphrase crosses from this page.
 */
export function KeyImport({ compact = false }: { compact?: boolean }) {
  const [passphrase, setPassphrase] = useState('');
  const [result, setResult] = useState<KeyImportResult | null>(null);
  const importKey = useAction(async () => {
    const r = await bridge().invoke('importKey', { passphrase });
    setResult(r);
    if (r.outcome !== 'cancelled') setPassphrase('');
  });
  return (
    <form
      className="form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void importKey.run();
      }}
    >
      {compact ? null : (
        <p>
          Restore a node key from a backup file (made with &quot;Back up the key&quot; or any
          Ethereum key file). Stop the node first. Run each key on one machine only: two machines
          with one key push each other off the network.
        </p>
      )}
      <div className="field">
        <label className="field-label" htmlFor="import-passphrase">
          Passphrase of the backup
        </label>
        <div className="input-row">
          <input
            id="import-passphrase"
            type="password"
            autoComplete="current-password"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
            data-testid="import-passphrase"
          />
          <Button
            type="submit"
            icon="key"
            pending={importKey.pending}
            disabled={passphrase === ''}
            data-testid="import-key"
          >
            Import key…
          </Button>
        </div>
      </div>
      {result ? (
        <p className={result.outcome === 'cancelled' ? '' : 'text-ok'} role="status">
          {outcomeText(result)}
        </p>
      ) : null}
      {importKey.error ? (
        <ErrorNotice title="The key was not imported" error={importKey.error} />
      ) : null}
    </form>
  );
}
