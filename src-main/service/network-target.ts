import type { CustomNetworkDto, SettingsDto } from '../contract/index.js';
import type { NetworkProfile } from '../core/config/network-profiles.js';
import type { NetworkName } from '../core/protocol/index.js';

/** Which network a node kit serves and the folder (under the data folder) that keeps its state. */
export interface NetworkTarget {
  /** The protocol's name for it: what its signed configurations carry. */
  network: NetworkName;
  folder: string;
  custom: CustomNetworkDto | null;
}

/** The network the settings choose. A custom one gets its own folder, named for its host. */
export function networkTarget(
  settings: Pick<SettingsDto, 'network' | 'customNetwork'>,
): NetworkTarget {
  if (settings.network !== 'custom') {
    return { network: settings.network, folder: settings.network, custom: null };
  }
  const custom = settings.customNetwork;
  if (!custom) {
    throw new Error(
      'The settings choose a custom network but name none. Open Settings and enter its IO ' +
        'service address and signer, or choose another network.',
    );
  }
  return { network: custom.protocolNetwork, folder: customFolder(custom.ioUrl), custom };
}

/** Same target: same folder and, for a custom network, same address and signer. */
export function sameTarget(a: NetworkTarget, b: NetworkTarget): boolean {
  return (
    a.folder === b.folder &&
    a.network === b.network &&
    a.custom?.ioUrl === b.custom?.ioUrl &&
    a.custom?.signer.toLowerCase() === b.custom?.signer.toLowerCase()
  );
}

/** `custom-<host>[-<port>]`: one folder per IO service, whatever path it is served under. */
export function customFolder(ioUrl: string): string {
  const url = new URL(ioUrl);
  const name = `custom-${url.hostname}${url.port ? `-${url.port}` : ''}`.toLowerCase();
  return name.replace(/[^a-z0-9.-]/g, '-').slice(0, 100);
}

/** The profile a node trusts for a custom network: its signer pinned from the settings. */
export function customProfile(custom: CustomNetworkDto): NetworkProfile {
  return {
    network: custom.protocolNetwork,
    ioUrl: custom.ioUrl,
    pinnedSigner: custom.signer,
    // The node serves a custom network with its own runtime, never the devnet's stand-in.
    allowSimulatedRuntime: false,
    placeholder: false,
  };
}
