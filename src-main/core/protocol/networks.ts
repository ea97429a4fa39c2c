import { z } from 'zod';

/** The networks a node can join. Local data, keys and snapshots are kept apart per network. */
export const NETWORKS = ['local', 'testnet', 'mainnet'] as const;
export const NetworkName = z.enum(NETWORKS);
export type NetworkName = z.infer<typeof NetworkName>;
