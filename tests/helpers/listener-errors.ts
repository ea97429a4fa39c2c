import type { EmitterOptions } from '../../src-main/core/base/event.js';

/**
 * For fakes: a listener that throws is isolated by the Emitter, so rethrow it outside the
 * delivery loop, where vitest reports it as an unhandled error and fails the run.
 */
export const surfaceListenerErrors: EmitterOptions = {
  onListenerError: (error) =>
    queueMicrotask(() => {
      throw error;
    }),
};
