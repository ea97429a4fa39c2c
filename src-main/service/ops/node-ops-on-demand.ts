import type { NodeOpsSources, startNodeOps } from './node-ops.js';
import type { OpsConfig } from './ops-server.js';

/**
 * The ops server when the configuration asks for one, its code loaded only then: prom-client
 * and what it requires (~80 modules) would sit in memory unused on a desktop, whose ops server
 * is off. Nothing here may import node-ops.js statically.
 */
export async function startNodeOpsOnDemand(
  config: OpsConfig | undefined,
  sources: NodeOpsSources,
): ReturnType<typeof startNodeOps> {
  if (!config) return null;
  const { startNodeOps: start } = await import('./node-ops.js');
  return start(config, sources);
}
