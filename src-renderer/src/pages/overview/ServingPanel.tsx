import type { ServingDto } from '../../../../src-main/contract/index.js';
import { StatusDot } from '../../components/Badge.js';
import { Card } from '../../components/Card.js';
import { ProblemDetails } from '../../components/ProblemDetails.js';
import { formatClock } from '../../lib/format.js';
import { reasonTone } from './serving-words.js';

/**
 * "Am I serving, and if not, why" (the sentence is in the hero above): every reason the node gets jobs or not —
 * registered, test task, local problems, the network's rotation, owner — each with its fix.
 */
export function ServingPanel({ serving }: { serving: ServingDto }) {
  return (
    <Card
      title="What decides whether this node gets jobs"
      subtitle="Each line is checked by the node or reported by the network."
    >
      <ul className="reason-list" data-testid="serving-reasons">
        {serving.reasons.map((r) => (
          <li key={r.id} className="reason" data-reason={r.id} data-state={r.state}>
            <StatusDot tone={reasonTone(r.state)} />
            <span className="reason-label">{r.label}</span>
            <div className="reason-body">
              {r.state === 'ok' ? (
                <p className="problem-cause">{r.text}</p>
              ) : (
                <ProblemDetails cause={r.text} fix={r.fix} detail={r.detail} />
              )}
              {r.until !== undefined ? (
                <p className="muted small" data-testid={`reason-until-${r.id}`}>
                  {r.until === null ? 'Until lifted' : `Until ${formatClock(r.until)}`}
                </p>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </Card>
  );
}
