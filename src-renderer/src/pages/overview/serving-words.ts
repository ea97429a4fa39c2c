import type { ServingReasonDto } from '../../../../src-main/contract/index.js';
import type { Tone } from '../../lib/node-state-words.js';

/** The colour of a timeline segment or headline for each serving phase. */
export function phaseTone(phase: string): Tone {
  switch (phase) {
    case 'serving':
      return 'ok';
    case 'starting':
    case 'runtime_starting':
    case 'testing':
      return 'busy';
    case 'not_serving':
      return 'warn';
    default:
      return 'idle';
  }
}

export const PHASE_WORDS: Record<string, string> = {
  serving: 'Serving jobs',
  runtime_starting: 'Starting the runtime',
  starting: 'Starting',
  testing: 'Test task',
  not_serving: 'Not getting jobs',
  paused: 'Paused on this computer',
  stopping: 'Stopping',
  stopped: 'Stopped',
};

export function reasonTone(state: ServingReasonDto['state']): Tone {
  return state === 'ok' ? 'ok' : state === 'bad' ? 'bad' : state === 'wait' ? 'busy' : 'idle';
}
