import { useState } from 'react';
import type { PauseDto } from '../../../src-main/contract/index.js';
import { useConnectionStore } from '../stores/connection-store.js';
import { useNodeStore } from '../stores/node-store.js';
import { Button } from './Button.js';
import { Card } from './Card.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { ErrorNotice } from './ErrorNotice.js';
import { PauseButtons, type PauseChoice } from './PauseButtons.js';
import { useAction } from './use-action.js';

const CHOICES: PauseChoice[] = [
  { label: 'Pause 30 min', minutes: 30, testId: 'pause-30' },
  { label: 'Pause 1 hour', minutes: 60, testId: 'pause-60' },
  { label: 'Pause 3 hours', minutes: 180, testId: 'pause-180' },
  { label: 'Until I resume', minutes: null, testId: 'pause-until-resumed' },
];

const PHASE_WORDS: Record<PauseDto['phase'], string> = {
  serving: 'Not paused.',
  pausing: 'Pausing: running jobs get 10 s to finish, then the runtime stops.',
  paused: 'Paused: the runtime is stopped, so it holds no GPU memory.',
  resuming: 'Resuming: the runtime is starting again.',
};

function time(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/**
 * "Runtime stopped 8.3 s after the pause began" (the last pause's measured figure). The GPU page
 * says whether nvidia-smi's readings confirm the memory dropped; this card only states the stop.
 */
export function vramFreedWords(p: PauseDto): string | null {
  if (p.vramFreedAfterMs === null) return null;
  const handed = p.handedBack > 0 ? `; ${p.handedBack} unfinished job(s) handed back` : '';
  return `Runtime stopped ${(p.vramFreedAfterMs / 1000).toFixed(1)} s after the pause began${handed}; the GPU page shows the memory readings.`;
}

/**
 * The operator's pause on the Overview: pause for a while or until resumed, see why the node is
 * paused and resume; on a headless node, also end the process (confirmed).
 */
export function PauseCard() {
  const node = useNodeStore((s) => s.node);
  const host = useConnectionStore((s) => s.host);
  const pause = useAction(useNodeStore.getState().pause);
  const resume = useAction(useNodeStore.getState().resume);
  const end = useAction(useNodeStore.getState().endProcess);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const p = node?.pause;
  if (!node || !p) return null;
  const paused = p.requests.length > 0;
  const byHand = p.requests.some((r) => r.source === 'manual');
  const others = p.requests.filter((r) => r.source !== 'manual');
  const error = pause.error ?? resume.error ?? end.error;
  const errorTitle = pause.error
    ? 'The node did not pause'
    : resume.error
      ? 'The node did not resume'
      : 'The node process did not end';
  return (
    <Card
      title={paused ? (p.headline ?? 'Paused') : 'Pause'}
      subtitle={
        paused
          ? `${PHASE_WORDS[p.phase]}${p.since !== null ? ` Since ${time(p.since)}.` : ''}`
          : 'Free the GPU for a game or your own work: jobs finish or are handed back, then the runtime stops.'
      }
      className="pause-card"
    >
      <div data-testid="pause-card" data-phase={p.phase}>
        {others.length > 0 ? (
          <ul className="pause-causes">
            {others.map((r) => (
              <li key={r.source}>
                {r.reason} — {r.resumes}.
              </li>
            ))}
          </ul>
        ) : null}
        {vramFreedWords(p) ? <p className="muted">{vramFreedWords(p)}</p> : null}
        <div className="form-actions">
          <PauseButtons byHand={byHand} choices={CHOICES} pause={pause} resume={resume} />
          {host === 'headless' ? (
            <Button variant="ghost" size="sm" onClick={() => setConfirmEnd(true)}>
              End process…
            </Button>
          ) : null}
        </div>
        {byHand && others.length > 0 ? (
          <p className="muted">
            Resume ends your pause; the node stays paused while the causes above remain.
          </p>
        ) : null}
        {error ? <ErrorNotice title={errorTitle} error={error} /> : null}
      </div>
      <ConfirmDialog
        open={confirmEnd}
        title="End the node's process?"
        confirmLabel="End process"
        danger
        onConfirm={() => {
          setConfirmEnd(false);
          void end.run();
        }}
        onCancel={() => setConfirmEnd(false)}
      >
        <p>
          The node finishes its running jobs and its process exits: this dashboard goes away. Start
          it again from its terminal or service manager (for example "systemctl restart
          resultity-node"). To free the GPU for a while instead, use Pause.
        </p>
      </ConfirmDialog>
    </Card>
  );
}
