import { Button } from '../components/Button.js';
import { Icon, Spinner } from '../components/Icon.js';
import { useConnectionStore } from '../stores/connection-store.js';
import { useNow } from './use-now.js';

/** Tells the operator when the page lost the node service, and that it is retrying by itself. */
export function ConnectionBanner() {
  const status = useConnectionStore((s) => s.status);
  const loaded = useConnectionStore((s) => s.loaded);
  const now = useNow(status.kind === 'reconnecting', 500);
  if (status.kind === 'connected') return null;
  if (status.kind === 'connecting') {
    return loaded ? null : (
      <div className="banner banner-info" role="status">
        <Spinner size={16} />
        <span>Connecting to the node service…</span>
      </div>
    );
  }
  if (status.kind === 'unauthorized') {
    return (
      <div className="banner banner-bad" role="alert">
        <Icon name="plug" />
        <span>{status.reason}</span>
      </div>
    );
  }
  const seconds = Math.max(0, Math.ceil((status.retryAt - now) / 1000));
  return (
    <div className="banner banner-warn" role="status">
      <Icon name="plug" />
      <span>
        Can&apos;t reach the node service. Is it still running?{' '}
        {seconds > 0 ? `Retrying in ${seconds} s…` : 'Retrying now…'}
        {status.attempt > 3
          ? ' On a rig, check the service with its logs (journalctl or docker logs).'
          : ''}
      </span>
      <Button size="sm" variant="ghost" onClick={() => window.location.reload()}>
        Reload page
      </Button>
    </div>
  );
}
