import type { SetupCheckDto } from '../../../src-main/contract/index.js';

/**
 * The Setup check's one-line summary, worded so it never contradicts the Overview: a node that
 * serves jobs right now is not told it "cannot serve", and the SIMULATED runtime needs none of
 * the GPU checks.
 */
export function setupSummary(
  checks: readonly SetupCheckDto[],
  running: boolean,
  node: { simulated: boolean; serving: boolean },
): string {
  if (checks.length === 0) {
    return running ? 'Checking this machine…' : 'The node has not checked this machine yet.';
  }
  const failing = checks.filter((c) => c.state === 'fail').length;
  const warnings = checks.filter((c) => c.state === 'warn').length;
  if (failing > 0) {
    const what = `${failing} ${failing === 1 ? 'check fails' : 'checks fail'}`;
    const fixed = failing === 1 ? 'it is' : 'they are';
    if (node.simulated) {
      return `${what}: real inference needs ${failing === 1 ? 'it' : 'them'} fixed; the SIMULATED runtime the node uses now needs none of this.`;
    }
    if (node.serving) {
      return `${what}: the node serves jobs now, but its runtime may not start again until ${fixed} fixed.`;
    }
    return `${what}: the node cannot serve until ${fixed} fixed.`;
  }
  if (warnings > 0) {
    return `Everything needed works; ${warnings} ${warnings === 1 ? 'warning' : 'warnings'} worth a look.`;
  }
  return 'This machine is ready to serve inference.';
}
