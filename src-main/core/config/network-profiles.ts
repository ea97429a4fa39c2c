import type { NetworkName } from '../protocol/index.js';

/**
 * What a node trusts about a network: where its IO service is and which key signs its
 * configuration. The signer is PINNED here; a snapshot's own `signer` field is never trusted.
 */
export interface NetworkProfile {
  network: NetworkName;
  /** Base URL of the IO service (HTTP). */
  ioUrl: string;
  /** WebSocket URL of the job link; derived from ioUrl + ws_path when absent. */
  wsUrl?: string;
  /** Address of the network's configuration signing key. */
  pinnedSigner: string;
  /** The devnet's simulated runtime is only ever allowed on the local network. */
  allowSimulatedRuntime: boolean;
  /** True while the real URL and signer have not been published yet. */
  placeholder: boolean;
}

/**
 * Public networks. PLACEHOLDERS: the real IO URLs and signer addresses are filled in when the
 * networks launch; until then a node on these profiles cannot verify any configuration.
 */
export const PUBLIC_PROFILES: Record<Exclude<NetworkName, 'local'>, NetworkProfile> = {
  testnet: {
    network: 'testnet',
    ioUrl: 'https://io.testnet.resultity.com',
    pinnedSigner: '0x000000000000000000000000000000000000dEaD',
    allowSimulatedRuntime: false,
    placeholder: true,
  },
  mainnet: {
    network: 'mainnet',
    ioUrl: 'https://io.network.resultity.com',
    pinnedSigner: '0x000000000000000000000000000000000000dEaD',
    allowSimulatedRuntime: false,
    placeholder: true,
  },
};

/** The local devnet: its URL and signer come from the devnet the node itself started. */
export function localProfile(ioUrl: string, pinnedSigner: string, wsUrl?: string): NetworkProfile {
  return {
    network: 'local',
    ioUrl,
    ...(wsUrl ? { wsUrl } : {}),
    pinnedSigner,
    allowSimulatedRuntime: true,
    placeholder: false,
  };
}

/** Public networks are reached over TLS only; plain HTTP/WS is for the local devnet. */
export function requiresTls(profile: NetworkProfile): boolean {
  return profile.network !== 'local';
}

/** ws(s)://host/path for the job link, from the IO base URL and the registration's ws_path. */
export function wsUrlFor(profile: NetworkProfile, wsPath: string): string {
  const chosen = profile.wsUrl ?? wsUrlFromIo(profile, wsPath);
  if (requiresTls(profile) && !/^wss:\/\//i.test(chosen)) {
    throw new Error(
      `The ${profile.network} job connection ${chosen} is not wss://; public networks are only reached over TLS.`,
    );
  }
  return chosen;
}

function wsUrlFromIo(profile: NetworkProfile, wsPath: string): string {
  const url = new URL(wsPath, profile.ioUrl);
  if (url.host !== new URL(profile.ioUrl).host) {
    throw new Error(
      `The network named a job connection on another host (${url.host}); refusing it.`,
    );
  }
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}
