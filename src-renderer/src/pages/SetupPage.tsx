import { useEffect, useState } from 'react';
import type { SetupCheckDto } from '../../../src-main/contract/index.js';
import { Button } from '../components/Button.js';
import { Card } from '../components/Card.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { Icon, Spinner, type IconName } from '../components/Icon.js';
import { useAction } from '../components/use-action.js';
import { bridge } from '../stores/bridge-ref.js';
import { useNodeStore } from '../stores/node-store.js';
import { useSetupStore } from '../stores/setup-store.js';
import { setupSummary } from '../lib/setup-summary.js';
import { Page } from './Page.js';

const STATE: Record<SetupCheckDto['state'], { icon: IconName | null; text: string }> = {
  pass: { icon: 'check', text: 'Passed' },
  warn: { icon: 'warn', text: 'Warning' },
  fail: { icon: 'fail', text: 'Failed' },
  running: { icon: null, text: 'Checking' },
  unknown: { icon: 'unknown', text: 'Not checked' },
};

function CheckRow({ check }: { check: SetupCheckDto }) {
  const st = STATE[check.state] ?? STATE.unknown;
  return (
    <li className={`check check-${check.state}`} data-testid={`check-${check.id}`}>
      <span className="check-icon">
        {st.icon ? <Icon name={st.icon} size={20} /> : <Spinner size={18} />}
        <span className="visually-hidden">{st.text}:</span>
      </span>
      <div className="check-text">
        <p className="check-label">{check.label}</p>
        <p className="check-detail">{check.detail}</p>
        {check.fix && check.state !== 'pass' ? (
          <p className="check-fix">
            <strong>How to fix: </strong>
            {check.fix}
          </p>
        ) : null}
      </div>
    </li>
  );
}

export function SetupPage() {
  const checks = useSetupStore((s) => s.checks);
  const running = useSetupStore((s) => s.running);
  const runError = useSetupStore((s) => s.error);
  const everRun = useSetupStore((s) => s.ran || s.checks.length > 0);
  const simulated = useNodeStore((s) => s.node?.runtime.simulated ?? false);
  const serving = useNodeStore((s) => s.node?.serving?.serving ?? false);
  // Opening the page is asking for the answer: run the checks once if nobody has yet.
  useEffect(() => {
    useSetupStore.getState().runIfNeverRun();
  }, []);
  const [diagnostics, setDiagnostics] = useState<string | null>(null);
  const exportDiag = useAction(async () =>
    setDiagnostics((await bridge().invoke('exportDiagnostics', undefined)).path),
  );
  const summary = setupSummary(checks, running, { simulated, serving });
  return (
    <Page
      title="Setup check"
      subtitle={summary}
      actions={
        <>
          <Button icon="download" pending={exportDiag.pending} onClick={() => exportDiag.run()}>
            Export diagnostics
          </Button>
          <Button
            icon="refresh"
            pending={running}
            onClick={() =>
              void useSetupStore
                .getState()
                .runChecks()
                .catch(() => undefined)
            }
            data-testid="run-checks"
          >
            {everRun ? 'Run checks again' : 'Run checks'}
          </Button>
        </>
      }
    >
      {exportDiag.error ? (
        <ErrorNotice title="The diagnostics were not exported" error={exportDiag.error}>
          <p className="notice-body">
            Try again; if it keeps failing, copy the lines from the Logs page when you ask for help.
          </p>
        </ErrorNotice>
      ) : null}
      {diagnostics ? (
        <p className="text-ok" role="status">
          Diagnostics saved to <code className="wrap-anywhere">{diagnostics}</code>. Attach this
          file when you ask for help; it holds no keys.
        </p>
      ) : null}
      {runError ? <ErrorNotice title="The checks could not run" error={runError} /> : null}
      <Card label="Checks">
        {checks.length === 0 && running ? (
          <EmptyState icon="setup" title="Checking this machine…">
            Docker, the NVIDIA driver, the GPU and disk space; this takes a few seconds.
          </EmptyState>
        ) : checks.length === 0 ? (
          <EmptyState icon="setup" title="No results yet">
            {everRun
              ? 'This node reports no setup checks.'
              : 'Run the checks to see whether Docker, the NVIDIA driver and the GPU are ready.'}
          </EmptyState>
        ) : (
          <ul className="check-list">
            {checks.map((c) => (
              <CheckRow key={c.id} check={c} />
            ))}
          </ul>
        )}
      </Card>
    </Page>
  );
}
