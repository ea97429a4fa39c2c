import { Icon } from '../components/Icon.js';
import { StatusDot } from '../components/Badge.js';
import { headlineWords } from '../lib/node-state-words.js';
import { useConnectionStore } from '../stores/connection-store.js';
import { useNodeStore } from '../stores/node-store.js';
import { useSetupStore } from '../stores/setup-store.js';
import { ROUTES, hrefFor, type RouteId } from './routes.js';

export function Sidebar({ route }: { route: RouteId }) {
  const node = useNodeStore((s) => s.node);
  const failing = useSetupStore((s) => s.checks.filter((c) => c.state === 'fail').length);
  const version = useConnectionStore((s) => s.appVersion);
  const host = useConnectionStore((s) => s.host);
  // The same words as the Overview headline, so the two never disagree.
  const words = node ? headlineWords(node) : null;
  return (
    <nav className="sidebar" aria-label="Dashboard pages">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Resultity Node</span>
      </div>
      {words ? (
        <p className="sidebar-state" title={words.title}>
          <StatusDot tone={words.tone} />
          <span>{words.title.split(' — ')[0]}</span>
        </p>
      ) : null}
      <ul className="nav-list">
        {ROUTES.map((r) => (
          <li key={r.id}>
            <a
              className="nav-link"
              href={hrefFor(r.id)}
              aria-current={route === r.id ? 'page' : undefined}
              title={r.label}
            >
              <Icon name={r.icon} />
              <span>{r.label}</span>
              {r.id === 'setup' && failing > 0 ? (
                <span className="nav-count" aria-label={`${failing} failing`}>
                  {failing}
                </span>
              ) : null}
            </a>
          </li>
        ))}
      </ul>
      <p className="sidebar-foot">
        {version ? `Version ${version}` : null}
        {host === 'headless' ? <span> · headless</span> : null}
      </p>
    </nav>
  );
}
