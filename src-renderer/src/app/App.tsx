import { Button } from '../components/Button.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Spinner } from '../components/Icon.js';
import { GpuPage } from '../pages/GpuPage.js';
import { JobsPage } from '../pages/JobsPage.js';
import { LogsPage } from '../pages/LogsPage.js';
import { ModelsPage } from '../pages/ModelsPage.js';
import { OverviewPage } from '../pages/OverviewPage.js';
import { SettingsPage } from '../pages/SettingsPage.js';
import { SetupPage } from '../pages/SetupPage.js';
import { bridge } from '../stores/bridge-ref.js';
import { useConnectionStore } from '../stores/connection-store.js';
import { reloadSnapshot } from '../stores/wire-stores.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { OfflineBanner } from './OfflineBanner.js';
import type { RouteId } from './routes.js';
import { Sidebar } from './Sidebar.js';
import { useRoute } from './use-route.js';
import { useTheme } from './use-theme.js';

const PAGES: Record<RouteId, () => React.JSX.Element | null> = {
  overview: OverviewPage,
  gpu: GpuPage,
  models: ModelsPage,
  jobs: JobsPage,
  logs: LogsPage,
  setup: SetupPage,
  settings: SettingsPage,
};

function Content({ route }: { route: RouteId }) {
  const loaded = useConnectionStore((s) => s.loaded);
  const snapshotError = useConnectionStore((s) => s.snapshotError);
  const status = useConnectionStore((s) => s.status.kind);
  if (snapshotError && !loaded) {
    return (
      <div className="page">
        <ErrorNotice title="The dashboard could not load the node's state" error={snapshotError}>
          <p className="notice-body">
            The node service answered but could not report its state. Try again; if it keeps
            failing, restart the node.
          </p>
          <Button
            size="sm"
            onClick={() =>
              void reloadSnapshot(bridge()).catch((e: Error) =>
                useConnectionStore.setState({ snapshotError: e }),
              )
            }
          >
            Try again
          </Button>
        </ErrorNotice>
      </div>
    );
  }
  if (!loaded) {
    if (status === 'unauthorized') return null;
    return (
      <div className="page page-loading" aria-busy="true">
        <Spinner size={24} label="Loading the node's state" />
      </div>
    );
  }
  const PageComponent = PAGES[route];
  return <PageComponent />;
}

export function App() {
  const route = useRoute();
  useTheme();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="sidebar-column">
        <Sidebar route={route} />
      </div>
      <main id="main" className="main" tabIndex={-1}>
        <ConnectionBanner />
        <OfflineBanner />
        <Content route={route} />
      </main>
    </div>
  );
}
