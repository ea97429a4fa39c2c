import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hashMessage, SigningKey, Wallet, computeAddress } from 'ethers';
import type { MessageSigner } from '../../core/protocol/signer.js';
import { writeFileAtomic } from '../../core/store/atomic-file.js';

/** The key the devnet signs snapshots with. Nodes pin its address in their "local" profile. */
export interface NetworkKey extends MessageSigner {
  readonly privateKey: string;
}

export function networkKeyFrom(privateKey?: string): NetworkKey {
  const key = new SigningKey(privateKey ?? Wallet.createRandom().privateKey);
  return {
    address: computeAddress(key.publicKey),
    privateKey: key.privateKey,
    signMessage: (m) => key.sign(hashMessage(m)).serialized,
  };
}

/** Reads the key from `path`, or creates it there (mode 0600) so the signer survives restarts. */
export async function loadOrCreateNetworkKey(path: string): Promise<NetworkKey> {
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text === undefined) {
    const key = networkKeyFrom();
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, `${key.privateKey}\n`, { mode: 0o600, exclusive: true });
    return key;
  }
  const hex = text.trim();
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) {
    throw new Error(
      `The network key file ${path} does not hold a 0x-prefixed 32-byte hex private key. ` +
        'Delete it to let the devnet create a new one (nodes must then pin the new signer).',
    );
  }
  return networkKeyFrom(hex);
}
