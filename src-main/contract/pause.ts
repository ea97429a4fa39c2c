/** What may pause the node (each on its own; the node resumes when none asks). */
export type PauseSourceName =
  | 'manual'
  | 'schedule'
  | 'foreign-gpu-process'
  | 'fullscreen'
  | 'user-active'
  | 'thermal'
  | 'power';

export interface PauseRequestDto {
  source: PauseSourceName;
  /** Why, in plain words: "a game is using the GPU". */
  reason: string;
  /** When it ends, in plain words: "resumes when it closes". */
  resumes: string;
  since: number;
  /** When it lapses by itself (null: when its cause ends or you resume). */
  until: number | null;
}

/** The operator's pause as the UI shows it (tray, Overview, GPU page). */
export interface PauseDto {
  /** serving: not paused; pausing: jobs finishing, runtime stopping; paused; resuming. */
  phase: 'serving' | 'pausing' | 'paused' | 'resuming';
  /** "Paused — a game is using the GPU, resumes when it closes"; null when not paused. */
  headline: string | null;
  requests: PauseRequestDto[];
  /** When the current pause began (null: not paused). */
  since: number | null;
  /** When the runtime was stopped for the last pause (its GPU memory freed); null: not yet. */
  runtimeStoppedAt: number | null;
  /** Seconds from the trigger to the runtime stopped, for the last pause (null: not yet). */
  vramFreedAfterMs: number | null;
  /** Jobs handed back unfinished at the end of the last pause's grace. */
  handedBack: number;
}
