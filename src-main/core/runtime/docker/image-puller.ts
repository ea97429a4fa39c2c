import type Docker from 'dockerode';
import { sleep, type Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { DockerClients } from './docker-clients.js';
import { nodeFreeSpace, VLLM_IMAGE_DISK_BYTES, type FreeSpaceFn } from './disk-space.js';
import { imageRef, repoDigestsContain } from './image-ref.js';
import type { OwnedImages } from './owned-images.js';
import { ImagePullError, digestMismatch, diskTooSmall, pullError } from './pull-errors.js';
import { PullProgressTracker, type PullEvent } from './pull-progress.js';
import { RateMeter, type TransferProgress } from './transfer-progress.js';

export interface ImagePullerDeps {
  clients: DockerClients;
  clock: Clock;
  logger: Logger;
  /** Docker's data folder is on this machine (Linux engine, not inside a Desktop VM). */
  engineIsLocal: boolean;
  freeSpace?: FreeSpaceFn;
  /** Free space demanded before a pull. */
  requiredBytes?: number;
  attempts?: number;
  retryBaseMs?: number;
  progressIntervalMs?: number;
  /** Where images we pulled are recorded, so only ours are ever removed. */
  owned?: OwnedImages;
}

export interface PullRequest {
  image: { repository: string; digest: string; tag?: string };
  signal?: AbortSignal;
  onProgress?: (p: TransferProgress) => void;
}

export interface EnsuredImage {
  ref: string;
  imageId: string;
  pulled: boolean;
}

/**
 * Makes sure the pinned image is present: pulls `repo@sha256:…` with real per-layer progress,
 * treats an error inside the progress stream as a failure (the stream itself ends "fine"),
 * retries transient failures with backoff, is cancellable, and checks the digest afterwards.
 */
export class ImagePuller {
  readonly #d: Required<Omit<ImagePullerDeps, 'owned'>> & Pick<ImagePullerDeps, 'owned'>;

  constructor(deps: ImagePullerDeps) {
    this.#d = {
      freeSpace: nodeFreeSpace,
      requiredBytes: VLLM_IMAGE_DISK_BYTES,
      attempts: 4,
      retryBaseMs: 2000,
      progressIntervalMs: 250,
      ...deps,
    };
  }

  async ensure(req: PullRequest): Promise<EnsuredImage> {
    const ref = imageRef(req.image);
    const present = await this.#inspect(ref);
    if (
      present &&
      repoDigestsContain(present.RepoDigests, req.image.repository, req.image.digest)
    ) {
      return { ref, imageId: present.Id, pulled: false };
    }
    await this.#checkDisk();
    const progress = this.#progressEmitter(ref, req);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#pullOnce(ref, req, progress.tracker, progress.emit);
        const image = await this.#verify(ref, req.image);
        // Best effort: without the record the image is merely never cleaned up.
        await this.#d.owned
          ?.add({ ref, digest: req.image.digest, imageId: image.Id })
          .catch((err) =>
            this.#d.logger.warn('Could not record the runtime image as ours', {
              error: String(err),
            }),
          );
        progress.finish('done');
        this.#d.logger.info(`Runtime image ready: ${ref}`);
        return { ref, imageId: image.Id, pulled: true };
      } catch (raw) {
        const err = req.signal?.aborted
          ? new ImagePullError(
              'cancelled',
              `The download of ${ref} was cancelled.`,
              'Start the node again to resume it.',
              false,
            )
          : pullError(ref, raw);
        if (!err.retryable || attempt >= this.#d.attempts) {
          progress.finish('failed', err.detail);
          throw err;
        }
        const wait = this.#d.retryBaseMs * 2 ** (attempt - 1);
        this.#d.logger.warn(
          `Image download failed (attempt ${attempt}); retrying in ${Math.round(wait / 1000)} s`,
          {
            error: err.detail,
          },
        );
        try {
          await sleep(this.#d.clock, wait, req.signal);
        } catch {
          progress.finish('failed', 'cancelled');
          throw new ImagePullError(
            'cancelled',
            `The download of ${ref} was cancelled.`,
            'Start the node again to resume it.',
            false,
          );
        }
      }
    }
  }

  async #inspect(ref: string): Promise<Docker.ImageInspectInfo | null> {
    try {
      return await this.#d.clients.api.getImage(ref).inspect();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return null;
      throw err;
    }
  }

  async #checkDisk(): Promise<void> {
    if (!this.#d.engineIsLocal) return;
    let root: string | undefined;
    try {
      root = ((await this.#d.clients.api.info()) as { DockerRootDir?: string }).DockerRootDir;
      if (!root) return;
      const free = await this.#d.freeSpace(root);
      if (free < this.#d.requiredBytes) throw diskTooSmall(free, this.#d.requiredBytes, root);
    } catch (err) {
      if (err instanceof ImagePullError) throw err;
      // Docker's folder may be unreadable to us (root-owned): the pull will tell if space runs out.
      this.#d.logger.debug('Could not measure free space for Docker', { root, error: String(err) });
    }
  }

  #pullOnce(
    ref: string,
    req: PullRequest,
    tracker: PullProgressTracker,
    emit: () => void,
  ): Promise<void> {
    const docker = this.#d.clients.stream;
    return new Promise((resolve, reject) => {
      let inStreamError: string | null = null;
      docker.pull(
        ref,
        { abortSignal: req.signal },
        (err: unknown, stream?: NodeJS.ReadableStream) => {
          if (err || !stream) return reject(err ?? new Error('the engine returned no pull stream'));
          const onAbort = () => (stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
          req.signal?.addEventListener('abort', onAbort, { once: true });
          docker.modem.followProgress(
            stream,
            (finishErr: Error | null) => {
              req.signal?.removeEventListener('abort', onAbort);
              if (finishErr) return reject(finishErr);
              if (req.signal?.aborted) return reject(new Error('aborted'));
              if (inStreamError) return reject(new Error(inStreamError));
              resolve();
            },
            (event: PullEvent) => {
              const failure = tracker.apply(event);
              if (failure) inStreamError ??= failure;
              emit();
            },
          );
        },
      );
    });
  }

  async #verify(ref: string, image: PullRequest['image']): Promise<Docker.ImageInspectInfo> {
    const pulled = await this.#inspect(ref);
    if (!pulled) {
      throw pullError(ref, new Error('the pull ended before the image was complete'));
    }
    if (!repoDigestsContain(pulled.RepoDigests, image.repository, image.digest)) {
      throw digestMismatch(ref, pulled.RepoDigests ?? []);
    }
    return pulled;
  }

  #progressEmitter(ref: string, req: PullRequest) {
    const tracker = new PullProgressTracker();
    const meter = new RateMeter();
    const clock = this.#d.clock;
    let last = -Infinity;
    const snapshot = (state: TransferProgress['state'], error?: string): TransferProgress => {
      const done = tracker.bytesDone;
      const total = tracker.bytesTotal;
      meter.sample(done, clock.now());
      return {
        id: `image:${req.image.digest}`,
        kind: 'image_pull',
        label: `Runtime image ${req.image.repository}${req.image.tag ? `:${req.image.tag}` : ''}`,
        bytesDone: state === 'done' && total !== null ? total : done,
        bytesTotal: total,
        etaSeconds: state === 'running' ? meter.eta(done, total) : state === 'done' ? 0 : null,
        state,
        ...(error ? { error } : {}),
        layers: tracker.layerBytes(),
      };
    };
    return {
      tracker,
      emit: () => {
        const now = clock.now();
        if (now - last < this.#d.progressIntervalMs) return;
        last = now;
        req.onProgress?.(snapshot('running'));
      },
      finish: (state: 'done' | 'failed', error?: string) =>
        req.onProgress?.(snapshot(state, error)),
      ref,
    };
  }
}
