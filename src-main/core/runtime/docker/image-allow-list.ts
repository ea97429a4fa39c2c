import { normaliseRepository } from './image-ref.js';

/** The only runtime image a node runs unless its operator allows more: vLLM on Docker Hub. */
export const DEFAULT_RUNTIME_REPOSITORIES: readonly string[] = ['vllm/vllm-openai'];

/** Where the operator lists extra repositories (comma or space separated). */
export const EXTRA_RUNTIME_IMAGES_ENV = 'RESULTITY_EXTRA_RUNTIME_IMAGES';

/** A repository as Docker names it: [host[:port]/]path, lowercase, no tag and no digest. */
const REPOSITORY =
  /^(?:[a-z0-9]+(?:[.-][a-z0-9]+)*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export class ImageNotAllowedError extends Error {
  override readonly name = 'ImageNotAllowedError';
}

/**
 * The runtime images this node agrees to run, pinned in the node: the network's signed
 * configuration picks the digest, but only within these repositories, so whoever holds the
 * network key cannot make nodes run an arbitrary image. Only the operator extends it.
 */
export class ImageAllowList {
  readonly #allowed: ReadonlySet<string>;

  constructor(extra: readonly string[] = []) {
    this.#allowed = new Set([...DEFAULT_RUNTIME_REPOSITORIES, ...extra].map(normaliseRepository));
  }

  /** Sorted normalised repositories, for logs and messages. */
  repositories(): string[] {
    return [...this.#allowed].sort();
  }

  allows(repository: string): boolean {
    return this.#allowed.has(normaliseRepository(repository));
  }

  /** Throws an ImageNotAllowedError that says what happened and what the operator can do. */
  check(repository: string): void {
    if (this.allows(repository)) return;
    throw new ImageNotAllowedError(
      `The network asked for the runtime image ${repository}, which this node does not run ` +
        `(allowed: ${this.repositories().join(', ')}). Nothing was downloaded. If you trust ` +
        `that image, allow it with ${EXTRA_RUNTIME_IMAGES_ENV} or --allow-runtime-image.`,
    );
  }
}

/**
 * Parses the operator's extra repositories (from the environment and the headless flag).
 * A malformed entry is an error, never silently dropped or widened.
 */
export function parseExtraRuntimeImages(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    for (const raw of value.split(/[\s,]+/)) {
      if (raw === '') continue;
      const repo = normaliseRepository(raw);
      if (!REPOSITORY.test(repo)) {
        throw new Error(
          `"${raw}" is not an image repository: give it without a tag or digest, e.g. ` +
            'registry.example.com:5000/team/vllm-openai.',
        );
      }
      out.push(repo);
    }
  }
  return out;
}
