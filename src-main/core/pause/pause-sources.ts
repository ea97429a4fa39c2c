/** What may ask the node to pause. Each source asks and releases on its own. */
export const PAUSE_SOURCES = [
  'manual',
  'schedule',
  'foreign-gpu-process',
  'fullscreen',
  'user-active',
  'thermal',
  'power',
] as const;
export type PauseSource = (typeof PAUSE_SOURCES)[number];

/** One source's request: why (plain words, shown to the operator) and until when. */
export interface PauseRequest {
  source: PauseSource;
  /** Why, as the operator reads it: "a game is using the GPU". */
  reason: string;
  /** When this source would resume on its own, in words: "resumes when it closes". */
  resumes: string;
  since: number;
  /** Epoch ms after which the request lapses by itself (null: until released). */
  until: number | null;
}

/** The combined pause: paused while any request remains. */
export interface PauseState {
  paused: boolean;
  /** The requests in force, oldest first (the first one is the headline). */
  requests: PauseRequest[];
  /** When the pause began (the first request of an unbroken pause); null when not paused. */
  since: number | null;
}

export const NOT_PAUSED: PauseState = Object.freeze({ paused: false, requests: [], since: null });

/** "Paused — a game is using the GPU, resumes when it closes" (the first request leads). */
export function pauseHeadline(state: PauseState): string | null {
  const first = state.requests[0];
  if (!first) return null;
  const more = state.requests.length > 1 ? ` (and ${state.requests.length - 1} more)` : '';
  return `Paused — ${first.reason}, ${first.resumes}${more}`;
}
