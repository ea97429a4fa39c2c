/**
 * A problem as the operator reads it: the cause, then the fix, and the raw detail folded away
 * behind "Details" (it is for support and search, not the first thing to read).
 */
export function ProblemDetails({
  cause,
  fix,
  detail,
}: {
  cause: string;
  fix?: string | undefined;
  detail?: string | undefined;
}) {
  return (
    <div className="problem">
      <p className="problem-cause">{cause}</p>
      {fix ? <p className="problem-fix">{fix}</p> : null}
      {detail && detail !== cause ? (
        <details className="problem-details">
          <summary>Details</summary>
          <pre className="problem-raw">{detail}</pre>
        </details>
      ) : null}
    </div>
  );
}
