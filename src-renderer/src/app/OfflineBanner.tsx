import { Button } from '../components/Button.js';
import { Icon } from '../components/Icon.js';
import { useAction } from '../components/use-action.js';
import { bridge } from '../stores/bridge-ref.js';
import { useNodeStore } from '../stores/node-store.js';
import { useNow } from './use-now.js';

/**
 * The node cannot reach the network: where, when it tries again, and a button that tries now
 * (the node's wait is cut short; the next state arrives as usual).
 */
export function OfflineBanner() {
  const offline = useNodeStore((s) => s.node?.offline ?? null);
  const now = useNow(offline !== null, 500);
  const retry = useAction(() => bridge().invoke('retryNow', undefined));
  if (!offline) return null;
  const seconds = Math.max(0, Math.ceil((offline.retryAt - now) / 1000));
  return (
    <div className="banner banner-warn" role="status" data-testid="offline-banner">
      <Icon name="plug" />
      <span>
        Offline: cannot reach {offline.url} —{' '}
        {seconds > 0 ? `next try in ${seconds} s` : 'trying now…'}
        {retry.error ? ` (Retry now failed: ${retry.error.message})` : ''}
      </span>
      <Button
        size="sm"
        pending={retry.pending}
        onClick={() => void retry.run()}
        data-testid="retry-now"
      >
        Retry now
      </Button>
    </div>
  );
}
