export type ModelErrorCode =
  'mismatch' | 'disk_budget' | 'download_failed' | 'cancelled' | 'not_approved';

/** A model install or check that failed, with what happened and what to do. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly code: ModelErrorCode,
    readonly detail: string,
    readonly fix: string,
    /** Files involved (relative paths), e.g. the ones that failed their hash. */
    readonly files: string[] = [],
  ) {
    super(`${detail} ${fix}`);
  }
}
