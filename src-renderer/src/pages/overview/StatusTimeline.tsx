import type { TimelineSegmentDto } from '../../../../src-main/contract/index.js';
import { Card } from '../../components/Card.js';
import { formatClock, formatDuration } from '../../lib/format.js';
import { PHASE_WORDS, phaseTone } from './serving-words.js';

const DAY_MS = 24 * 3600_000;

/** The last 24 h of serving phases as one bar; gaps are time the node was not running. */
export function StatusTimeline({
  segments,
  now,
  running,
}: {
  segments: readonly TimelineSegmentDto[];
  now: number;
  /** While the node runs its last phase still holds: it is drawn up to now. */
  running: boolean;
}) {
  const start = now - DAY_MS;
  const last = segments.length - 1;
  const shown = segments
    .map((s, i) => (running && i === last ? { ...s, to: Math.max(s.to, now) } : s))
    .filter((s) => s.to >= start);
  const timeIn = (phase: string) =>
    shown
      .filter((s) => s.phase === phase)
      .reduce((sum, s) => sum + (s.to - Math.max(s.from, start)), 0);
  const paused = timeIn('paused');
  const pausedWords = paused > 0 ? `; paused for ${formatDuration(paused)} (striped)` : '';
  return (
    <Card
      title="Last 24 hours"
      subtitle={`Serving for ${formatDuration(timeIn('serving'))}${pausedWords}; blank stretches: the node was not running.`}
    >
      <div className="timeline" data-testid="status-timeline" role="list">
        {shown.map((s) => {
          const from = Math.max(s.from, start);
          const left = ((from - start) / DAY_MS) * 100;
          const width = Math.max(0.3, ((s.to - from) / DAY_MS) * 100);
          const words = PHASE_WORDS[s.phase] ?? s.phase;
          return (
            <span
              key={`${s.from}-${s.phase}`}
              role="listitem"
              className={`timeline-seg timeline-${phaseTone(s.phase)}`}
              style={{ left: `${left}%`, width: `${width}%` }}
              title={`${formatClock(from)}–${formatClock(s.to)}: ${s.text}`}
              aria-label={`${formatClock(from)} to ${formatClock(s.to)}: ${words}`}
              data-phase={s.phase}
            />
          );
        })}
      </div>
      <div className="timeline-axis muted small">
        <span>{formatClock(start).slice(0, 5)}</span>
        <span>now</span>
      </div>
    </Card>
  );
}
