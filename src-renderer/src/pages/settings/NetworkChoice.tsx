import { useState, type FormEvent } from 'react';
import type {
  CustomNetworkDto,
  NetworkChoice as Choice,
  NetworkName,
  SettingsDto,
} from '../../../../src-main/contract/index.js';
import { Button } from '../../components/Button.js';
import { ConfirmDialog } from '../../components/ConfirmDialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { useAction } from '../../components/use-action.js';
import { useSettingsStore } from '../../stores/settings-store.js';

/** The desktop's networks, in the words the Settings page uses. */
export const DESKTOP_NETWORKS: { value: Choice; label: string }[] = [
  { value: 'testnet', label: 'Testnet — test jobs, no rewards' },
  { value: 'mainnet', label: 'Mainnet — real jobs and rewards' },
  { value: 'custom', label: 'Custom network — a private network or a devnet elsewhere' },
  { value: 'local', label: 'Demo — simulated jobs inside this app, nothing earned' },
];

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Plain-words check of a custom network before it is sent; the main process checks again. */
export function customProblem(c: CustomNetworkDto): string | null {
  let url: URL;
  try {
    url = new URL(c.ioUrl);
  } catch {
    return 'Enter the IO service address, for example https://io.example.com.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return 'The IO service address must start with https://.';
  }
  if (url.protocol === 'http:' && c.protocolNetwork !== 'local') {
    return 'Only a devnet may use http://; a testnet or mainnet network needs https://.';
  }
  if (!ADDRESS.test(c.signer.trim())) {
    return 'The signer is an address: 0x followed by 40 hexadecimal digits.';
  }
  return null;
}

function CustomNetworkForm({
  initial,
  pending,
  onSubmit,
}: {
  initial: CustomNetworkDto | null;
  pending: boolean;
  onSubmit: (custom: CustomNetworkDto) => void;
}) {
  const [ioUrl, setIoUrl] = useState(initial?.ioUrl ?? '');
  const [signer, setSigner] = useState(initial?.signer ?? '');
  const [protocolNetwork, setProtocolNetwork] = useState<NetworkName>(
    initial?.protocolNetwork ?? 'testnet',
  );
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const custom = { ioUrl: ioUrl.trim(), signer: signer.trim(), protocolNetwork };
    const p = customProblem(custom);
    setProblem(p);
    if (!p) onSubmit(custom);
  };
  return (
    <form className="form nested-form" onSubmit={submit} noValidate data-testid="custom-network">
      <label className="field-label" htmlFor="custom-io-url">
        IO service address
      </label>
      <input
        id="custom-io-url"
        type="url"
        placeholder="https://io.example.com"
        value={ioUrl}
        onChange={(e) => setIoUrl(e.target.value)}
      />
      <label className="field-label" htmlFor="custom-signer">
        Configuration signer
      </label>
      <p className="field-help">
        The address of the key that signs this network&apos;s configuration. The node refuses any
        configuration not signed by it; ask the network&apos;s operator for it.
      </p>
      <input
        id="custom-signer"
        placeholder="0x…"
        spellCheck={false}
        value={signer}
        onChange={(e) => setSigner(e.target.value)}
      />
      <label className="field-label" htmlFor="custom-kind">
        It runs as
      </label>
      <select
        id="custom-kind"
        value={protocolNetwork}
        onChange={(e) => setProtocolNetwork(e.target.value as NetworkName)}
      >
        <option value="testnet">a testnet (https only)</option>
        <option value="mainnet">a mainnet (https only)</option>
        <option value="local">a devnet (http allowed)</option>
      </select>
      {problem ? (
        <p className="field-error" role="alert" data-testid="custom-network-error">
          {problem}
        </p>
      ) : null}
      <Button type="submit" disabled={pending}>
        Use this network
      </Button>
    </form>
  );
}

/** Network choice on the desktop: switching stops the node and starts it on the other one. */
export function NetworkChoice({ settings }: { settings: SettingsDto }) {
  const update = useAction(useSettingsStore.getState().update);
  const [picked, setPicked] = useState<Choice>(settings.network);
  const [wanted, setWanted] = useState<Partial<SettingsDto> | null>(null);
  const label = (c: Choice | undefined) =>
    DESKTOP_NETWORKS.find((n) => n.value === c)?.label.split(' — ')[0] ?? c ?? '';
  return (
    <div className="field">
      <label className="field-label" htmlFor="network">
        Network
      </label>
      <p className="field-help" id="network-help">
        Each network has its own node key, journal and logs. Switching stops the node and starts it
        on the other network; nothing is deleted.
      </p>
      <select
        id="network"
        aria-describedby="network-help"
        value={picked}
        disabled={update.pending}
        onChange={(e) => {
          const next = e.target.value as Choice;
          setPicked(next);
          if (next !== 'custom') setWanted({ network: next });
        }}
      >
        {DESKTOP_NETWORKS.map((n) => (
          <option key={n.value} value={n.value}>
            {n.label}
          </option>
        ))}
      </select>
      {picked === 'local' ? (
        <p className="field-help" data-testid="demo-note">
          Demo runs a small network inside this app with a SIMULATED runtime: jobs get made-up text,
          nothing reaches the real network and nothing is earned.
        </p>
      ) : null}
      {picked === 'custom' ? (
        <CustomNetworkForm
          initial={settings.customNetwork}
          pending={update.pending}
          onSubmit={(customNetwork) => setWanted({ network: 'custom', customNetwork })}
        />
      ) : null}
      {update.error ? (
        <ErrorNotice title="The network was not changed" error={update.error} />
      ) : null}
      <ConfirmDialog
        open={wanted !== null}
        title={`Switch to ${label(wanted?.network)}?`}
        confirmLabel="Switch network"
        onCancel={() => {
          setWanted(null);
          setPicked(settings.network);
        }}
        onConfirm={() => {
          const patch = wanted;
          setWanted(null);
          if (patch) void update.run(patch);
        }}
      >
        <p>
          The node stops, then starts on <strong>{label(wanted?.network)}</strong> with the key and
          data kept for it (a new key the first time). Switching back uses this network&apos;s key
          and data again.
        </p>
      </ConfirmDialog>
    </div>
  );
}
