import type { NetworkName, SettingsDto } from '../../../src-main/contract/index.js';
import { Card } from '../components/Card.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Toggle } from '../components/Toggle.js';
import { useAction } from '../components/use-action.js';
import { useConnectionStore } from '../stores/connection-store.js';
import { useSettingsStore } from '../stores/settings-store.js';
import { AccountBinding } from './settings/AccountBinding.js';
import { KeyBackup } from './settings/KeyBackup.js';
import { NetworkChoice } from './settings/NetworkChoice.js';
import { KeyImport } from './settings/KeyImport.js';
import { KeyProtection } from './settings/KeyProtection.js';
import { ModelDiskBudget } from './settings/ModelDiskBudget.js';
import { ResourceLimits } from './settings/ResourceLimits.js';
import { WhenToPause } from './settings/WhenToPause.js';
import { Page } from './Page.js';

const NETWORKS: { value: NetworkName; label: string }[] = [
  { value: 'mainnet', label: 'Mainnet — real jobs and rewards' },
  { value: 'testnet', label: 'Testnet — test jobs, no rewards' },
  { value: 'local', label: 'Local devnet — for development' },
];

/** Headless: the command line decides the network; showing a dropdown would be a false offer. */
function FixedNetwork({ settings }: { settings: SettingsDto }) {
  const label = NETWORKS.find((n) => n.value === settings.network)?.label ?? settings.network;
  return (
    <div className="field">
      <span className="field-label">Network</span>
      <p className="field-help" data-testid="network-fixed">
        Set with <code>--profile</code> when starting the node.
      </p>
      <code className="readonly-value">{label}</code>
    </div>
  );
}

/** Settings only the Electron shell can act on. */
function DesktopToggles({
  settings,
  pending,
  set,
}: {
  settings: SettingsDto;
  pending: boolean;
  set: (patch: Partial<SettingsDto>) => void;
}) {
  return (
    <>
      <Toggle
        label="Launch at login"
        description="Start the app when you log in to this computer."
        checked={settings.launchAtLogin}
        disabled={pending}
        onChange={(v) => set({ launchAtLogin: v })}
      />
      <Toggle
        label="Keep the computer awake"
        description="Stops the system from sleeping while the node is active."
        checked={settings.keepAwake}
        disabled={pending}
        onChange={(v) => set({ keepAwake: v })}
      />
      <Toggle
        label="Install updates automatically"
        description="Downloads signed updates and installs them when the node is idle."
        checked={settings.autoUpdate}
        disabled={pending}
        onChange={(v) => set({ autoUpdate: v })}
      />
    </>
  );
}

function Preferences({ settings, headless }: { settings: SettingsDto; headless: boolean }) {
  const update = useAction(useSettingsStore.getState().update);
  const set = (patch: Partial<SettingsDto>) => void update.run(patch);
  return (
    <>
      {headless ? (
        <p className="field-help" data-testid="desktop-only-note">
          Launch at login, keep awake and automatic updates belong to the desktop app; on this
          headless node your service manager (for example systemd) starts and keeps it running.
        </p>
      ) : (
        <DesktopToggles settings={settings} pending={update.pending} set={set} />
      )}
      <div className="field">
        <label className="field-label" htmlFor="theme">
          Theme
        </label>
        <select
          id="theme"
          value={settings.theme}
          disabled={update.pending}
          onChange={(e) => set({ theme: e.target.value as SettingsDto['theme'] })}
        >
          <option value="system">Same as the system</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </div>
      {update.error ? <ErrorNotice title="The setting was not saved" error={update.error} /> : null}
    </>
  );
}

export function SettingsPage() {
  const settings = useSettingsStore((s) => s.settings);
  const headless = useConnectionStore((s) => s.host === 'headless');
  if (!settings) return null;
  return (
    <Page
      title="Settings"
      subtitle="Each choice applies at once, except the limits: they apply when you press Save limits."
    >
      <div className="grid-2 settings-grid">
        <Card title="Network and account">
          <div className="form">
            {headless ? (
              <FixedNetwork settings={settings} />
            ) : (
              <NetworkChoice settings={settings} />
            )}
            <AccountBinding />
            <div className="field">
              <span className="field-label">Data folder</span>
              <p className="field-help">
                Where this network&apos;s identity, settings, journal and logs are kept.
                {headless ? (
                  <>
                    {' '}
                    Set with <code>--data-dir</code> when starting the node.
                  </>
                ) : null}
              </p>
              <code className="readonly-value" data-testid="data-dir">
                {settings.dataDir}
              </code>
            </div>
          </div>
        </Card>
        <Card title="Resources">
          <ResourceLimits settings={settings} />
        </Card>
        <Card title="When to pause">
          <WhenToPause settings={settings} />
        </Card>
        <Card title="Models on disk">
          <ModelDiskBudget settings={settings} />
        </Card>
        <Card title={headless ? 'Dashboard' : 'App'}>
          <div className="form">
            <Preferences settings={settings} headless={headless} />
          </div>
        </Card>
        <Card title="Node key">
          <KeyProtection />
          <KeyBackup />
        </Card>
        {headless ? null : (
          <Card title="Import a node key">
            <KeyImport />
          </Card>
        )}
      </div>
    </Page>
  );
}
