import { Button } from './Button.js';

/** One "Pause …" button: for `minutes`, or until resumed (null). */
export interface PauseChoice {
  label: string;
  minutes: number | null;
  testId?: string;
}

interface ActionLike<A extends unknown[]> {
  run: (...args: A) => Promise<boolean>;
  pending: boolean;
}

/**
 * Resume while the operator's own pause holds, otherwise one button per pause choice — the same
 * controls on the Overview's pause card and the GPU page's pause panel.
 */
export function PauseButtons({
  byHand,
  choices,
  pause,
  resume,
}: {
  byHand: boolean;
  choices: readonly PauseChoice[];
  pause: ActionLike<[minutes: number | null]>;
  resume: ActionLike<[]>;
}) {
  if (byHand) {
    return (
      <Button variant="primary" pending={resume.pending} onClick={() => void resume.run()}>
        Resume
      </Button>
    );
  }
  return (
    <>
      {choices.map((c) => (
        <Button
          key={c.label}
          size="sm"
          pending={pause.pending}
          onClick={() => void pause.run(c.minutes)}
          data-testid={c.testId}
        >
          {c.label}
        </Button>
      ))}
    </>
  );
}
