import type { NodeStateDto } from '../../../src-main/contract/index.js';

const RUNTIME_STATE: Record<string, string> = {
  stopped: 'stopped',
  starting: 'starting',
  loading: 'loading the model',
  ready: 'ready',
  unhealthy: 'not answering',
  failed: 'failed',
};

const RUNTIME_KIND: Record<string, string> = {
  'docker-vllm': 'vLLM in Docker',
  external: 'your vLLM server',
  none: 'Runtime',
};

/** "vLLM in Docker: loading the model" rather than "docker · loading". */
export function runtimeWords(r: NodeStateDto['runtime']): string {
  const kind = r.simulated ? 'Simulated (no real inference)' : (RUNTIME_KIND[r.kind] ?? r.kind);
  return `${kind}: ${RUNTIME_STATE[r.state] ?? r.state.replace(/_/g, ' ')}`;
}

const CONFIG_STATUS: Record<string, string> = {
  ok: 'up to date',
  none: 'not received yet',
  stale: 'out of date (the network has not confirmed a newer one)',
  unreachable: 'could not be fetched; the last good one is in use',
  digest_mismatch: 'refused: it did not match its fingerprint',
  invalid_signature: 'refused: not signed by the network',
  invalid_schema: 'refused: not readable',
  wrong_network: 'refused: it belongs to another network',
  apply_failed: 'could not be applied',
};

/** "Version 3, up to date" rather than "Snapshot #3, ok". */
export function configWords(c: NodeStateDto['config']): string {
  const status = CONFIG_STATUS[c.status] ?? c.status.replace(/_/g, ' ');
  return c.serial !== null ? `Version ${c.serial}, ${status}` : capitalise(status);
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
