import type { PauseSource } from './pause-sources.js';

/** The part of PauseController a trigger uses: ask to pause, or withdraw its ask. */
export interface PauseRequester {
  request(
    source: PauseSource,
    ask: { reason: string; resumes: string; until?: number | null },
  ): void;
  release(source: PauseSource): void;
}

/**
 * Told when a trigger cannot work on this machine (a missing tool, no display) and when it can
 * again (null); the Settings page shows the reason next to the trigger's switch.
 */
export type AvailabilityListener = (source: PauseSource, unavailable: string | null) => void;

/** One automatic trigger: on/off and its values come from the operator's settings. */
export interface PauseTrigger<Config> {
  readonly source: PauseSource;
  /** Applies new settings; turning the trigger off withdraws its request at once. */
  configure(config: Config): void;
  dispose(): void;
}
