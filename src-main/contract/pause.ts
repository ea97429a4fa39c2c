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
  /** While pausing: running jobs get their grace, then the runtime stops (absent otherwise). */
  pausingStep?: 'finishing_jobs' | 'stopping_runtime';
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
  /** Triggers that cannot work on this machine, and why (absent: none). */
  unavailable?: { source: PauseSourceName; reason: string }[];
}

/** A span of local time when the node does not lend the GPU ("22:00"–"07:00" runs overnight). */
export interface PauseWindowDto {
  /** The days the window starts on: 0 = Sunday … 6 = Saturday. */
  days: number[];
  /** Local time "HH:MM" the window starts. */
  from: string;
  /** Local time "HH:MM" it ends (earlier than `from`: it ends the next day). */
  to: string;
}

/** Which automatic triggers may pause the node (Settings → When to pause). */
export interface PauseTriggersDto {
  /** Another program (a game, a render) uses the GPU. */
  otherGpuWork: boolean;
  /** A full-screen application is in front (desktop only). */
  fullscreen: boolean;
  /** Someone uses the keyboard or mouse; resumes after `idleMinutes` without input (desktop only). */
  userActive: { enabled: boolean; idleMinutes: number };
  /** Hours when the GPU is not lent. */
  schedule: { enabled: boolean; windows: PauseWindowDto[] };
  /** The GPU runs hotter than this ceiling. */
  thermal: { enabled: boolean; maxTempC: number };
  /** The GPU draws more than this many watts (null: no cap chosen). */
  power: { enabled: boolean; capW: number | null };
}
