import { useNodeStore } from '../../stores/node-store.js';

/** What protects the key on this machine, as the node's vault in use describes it. */
export function KeyProtection() {
  const protection = useNodeStore((s) => s.node?.keyProtection);
  if (!protection) return null;
  return (
    <div className="field" data-testid="key-protection">
      <span className="field-label">What protects the key here</span>
      <p className="field-help" data-testid="key-protection-summary">
        {protection.summary}
      </p>
      {protection.advice ? (
        <p className="field-help" data-testid="key-protection-advice">
          {protection.advice}
        </p>
      ) : null}
    </div>
  );
}
