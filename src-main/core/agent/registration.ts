import { join } from 'node:path';
import { z } from 'zod';
import { NetworkName, NodeStatus, RawAddress, sameAddress } from '../protocol/index.js';
import { JsonFileError, readJsonFile, writeFileAtomic } from '../store/atomic-file.js';
import type { DataDirs } from '../store/data-dirs.js';
import { unlink } from 'node:fs/promises';

/** Proof that this node key registered on this network; a restart does not register again. */
export const RegistrationRecord = z.object({
  node_id: RawAddress,
  network: NetworkName,
  /** Where it registered (informative: a local devnet gets a new port at every start). */
  io_url: z.string(),
  /** The network's pinned signer: a registration belongs to the network this key identifies. */
  network_signer: RawAddress,
  ws_path: z.string().startsWith('/'),
  registered_at: z.number().int().nonnegative(),
  /** Last status the network reported (refreshed by sessions and heartbeats). */
  status: NodeStatus,
});
export type RegistrationRecord = z.infer<typeof RegistrationRecord>;

/** `settings/registration.json` in the network's data folder. */
export class RegistrationStore {
  readonly path: string;

  constructor(dirs: DataDirs) {
    this.path = join(dirs.settings, 'registration.json');
  }

  /**
   * The record if it belongs to this key, network and IO service; null otherwise (never
   * registered, other key, or a damaged file — the node then simply registers again).
   */
  async read(expect: {
    nodeId: string;
    network: string;
    networkSigner: string;
  }): Promise<{ record: RegistrationRecord | null; problem?: string }> {
    let record: RegistrationRecord;
    try {
      record = await readJsonFile(this.path, RegistrationRecord);
    } catch (err) {
      if (err instanceof JsonFileError && err.problem === 'missing') return { record: null };
      return { record: null, problem: (err as Error).message };
    }
    if (!sameAddress(record.node_id, expect.nodeId) || record.network !== expect.network) {
      return { record: null, problem: 'the saved registration belongs to another node key' };
    }
    if (!sameAddress(record.network_signer, expect.networkSigner)) {
      return {
        record: null,
        problem: `the saved registration was made with another ${record.network} network (signer ${record.network_signer})`,
      };
    }
    return { record };
  }

  async write(record: RegistrationRecord): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify(record, null, 2)}\n`);
  }

  async clear(): Promise<void> {
    await unlink(this.path).catch(() => undefined);
  }
}
