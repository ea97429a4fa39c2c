import { Card } from '../../components/Card.js';
import { useConnectionStore } from '../../stores/connection-store.js';
import { useNodeStore } from '../../stores/node-store.js';
import { KeyImport } from '../settings/KeyImport.js';

/**
 * Desktop first run (no node key on this network yet): the first Start creates a key; an
 * operator moving a node here imports its backup instead, before that first Start.
 */
export function FirstRunKey() {
  const node = useNodeStore((s) => s.node);
  const desktop = useConnectionStore((s) => s.host === 'desktop');
  if (!desktop || !node || node.nodeId !== null || node.state !== 'stopped') return null;
  return (
    <Card title="New node, or one you already run?" label="First run">
      <p>
        The first Start creates a new node key for this network. Moving a node you already run to
        this computer? Import its key backup instead, then run it here only.
      </p>
      <KeyImport compact />
    </Card>
  );
}
