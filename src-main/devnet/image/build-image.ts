import type Docker from 'dockerode';

export interface BuildFromContext {
  /** Folder holding the Dockerfile and everything it copies. */
  contextDir: string;
  /** Entries of `contextDir` to send to the engine. */
  src: string[];
  tag: string;
  labels?: Record<string, string>;
  /**
   * Runs every step anew instead of reusing cached ones. Builds of the same content otherwise
   * share one image and its steps, and removing one tag can delete what a build running at the
   * same moment is about to tag (the engine then fails it with "failed to get digest").
   */
  noCache?: boolean;
}

/**
 * Builds an image from a local context and waits for the end of the build stream. A failed
 * step does not fail the stream itself, so every progress event is checked for `error`.
 */
export async function buildImageFromContext(
  docker: Docker,
  spec: BuildFromContext,
): Promise<string> {
  const stream = await docker.buildImage(
    { context: spec.contextDir, src: spec.src },
    {
      t: spec.tag,
      rm: true,
      forcerm: true,
      ...(spec.labels ? { labels: spec.labels } : {}),
      ...(spec.noCache ? { nocache: true } : {}),
    },
  );
  const events = await new Promise<Array<{ error?: string; errorDetail?: { message?: string } }>>(
    (resolve, reject) =>
      docker.modem.followProgress(stream, (err, res) => (err ? reject(err) : resolve(res))),
  );
  const failed = events.find((e) => e.error || e.errorDetail);
  if (failed) {
    const why = failed.error ?? failed.errorDetail?.message ?? 'unknown error';
    throw new Error(`docker build of ${spec.tag} failed: ${why}`);
  }
  return spec.tag;
}
