import type { NodeStateDto } from '../../../../src-main/contract/index.js';
import { Card } from '../../components/Card.js';
import { PauseButtons, type PauseChoice } from '../../components/PauseButtons.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { useAction } from '../../components/use-action.js';
import { formatClock } from '../../lib/format.js';
import { useGpuStore } from '../../stores/gpu-store.js';
import { useNodeStore } from '../../stores/node-store.js';
import { memoryAfterPause, pauseTriggeredAt } from './pause-memory.js';
import { handedBackWords, pauseMemoryWords, pausePhaseWords } from './pause-panel-words.js';

const CHOICES: PauseChoice[] = [
  { label: 'Pause for 15 min', minutes: 15 },
  { label: 'Pause for 1 h', minutes: 60 },
  { label: 'Pause until I resume', minutes: null },
];

const running = (node: NodeStateDto) =>
  !['stopped', 'not_initialised', 'initialised'].includes(node.state);

/**
 * The GPU page's pause panel: what paused the node and until when, since when, where the pause
 * is, what is known about the GPU memory released and the jobs handed back; Resume for a manual
 * pause, Pause for a while when serving.
 */
export function PausePanel() {
  const node = useNodeStore((s) => s.node);
  const history = useGpuStore((s) => s.history);
  const pause = useAction(useNodeStore.getState().pause);
  const resume = useAction(useNodeStore.getState().resume);
  const p = node?.pause;
  if (!node || !p) return null;
  const paused = p.requests.length > 0 || p.phase !== 'serving';
  const last = !paused && p.runtimeStoppedAt !== null;
  const byHand = p.requests.some((r) => r.source === 'manual');
  const triggered = pauseTriggeredAt(p);
  const memory = pauseMemoryWords(p, memoryAfterPause(p, history), node.runtime.simulated);
  const handed = handedBackWords(p);
  const error = pause.error ?? resume.error;
  const when = paused
    ? p.since !== null
      ? `Since ${formatClock(p.since)}.`
      : ''
    : triggered !== null
      ? `The last pause began at ${formatClock(triggered)}; it is over.`
      : '';
  return (
    <Card
      title={paused ? (p.headline ?? 'Paused') : last ? 'Last pause' : 'Pause'}
      subtitle={
        paused || last
          ? `${paused ? pausePhaseWords(p) : 'Serving jobs again.'} ${when}`.trim()
          : 'Free the GPU for a game or your own work: jobs finish or go back to the network, then the runtime stops.'
      }
      className="pause-panel"
    >
      <div data-testid="gpu-pause-panel" data-phase={p.phase}>
        {p.requests.length > 0 ? (
          <ul className="pause-causes">
            {p.requests.map((r) => (
              <li key={r.source}>
                {r.reason} — {r.resumes}.
              </li>
            ))}
          </ul>
        ) : null}
        {memory.length > 0 ? (
          <div data-testid="pause-memory">
            {memory.map((line) => (
              <p key={line} className="muted">
                {line}
              </p>
            ))}
          </div>
        ) : null}
        {handed ? <p className="muted">{handed}</p> : null}
        {running(node) ? (
          <div className="form-actions">
            <PauseButtons byHand={byHand} choices={CHOICES} pause={pause} resume={resume} />
          </div>
        ) : null}
        {error ? (
          <ErrorNotice
            title={pause.error ? 'The node did not pause' : 'The node did not resume'}
            error={error}
          />
        ) : null}
      </div>
    </Card>
  );
}
