import Docker from 'dockerode';
import {
  buildSimRuntimeImage,
  type SimImageVariant,
} from '../../src-main/devnet/sim-runtime/image.js';
import { dockerSocketPath } from './env.js';

export function testDocker(): Docker {
  return new Docker({ socketPath: dockerSocketPath() });
}

/**
 * The simulated runtime's image for one test file, shared with no other build: test files run in
 * parallel and each removes its image when done, which must not touch another file's image or
 * leave a layer behind that a later pull of this image would find.
 */
export function buildTestSimImage(
  docker: Docker,
  tag: string,
  variant: SimImageVariant = {},
): Promise<string> {
  return buildSimRuntimeImage(docker, tag, { ...variant, unshared: true });
}

/** Force-removes a test container and image, ignoring ones already gone (for afterAll). */
export async function removeQuietly(
  docker: Docker,
  what: { containerId?: string; image?: string },
): Promise<void> {
  if (what.containerId) {
    await docker
      .getContainer(what.containerId)
      .remove({ force: true })
      .catch(() => {});
  }
  if (what.image) {
    await docker
      .getImage(what.image)
      .remove({ force: true })
      .catch(() => {});
  }
}

/** The host address and port a started container publishes `port` (e.g. '8000/tcp') on. */
export async function publishedPort(
  container: Docker.Container,
  port: string,
): Promise<{ HostIp: string; HostPort: string } | undefined> {
  return (await container.inspect()).NetworkSettings.Ports[port]?.[0];
}

/**
 * Fetches `url` up to `attempts` times, 100 ms apart, until `accept` takes what `read` made of
 * the response (a refused connection or a throwing `read` counts as not yet). Returns the last
 * value read, so a caller's assertion shows what the server said.
 */
export async function pollHttp<T>(
  url: string,
  read: (res: Response) => Promise<T>,
  accept: (value: T) => boolean,
  attempts: number,
): Promise<T | undefined> {
  let value: T | undefined;
  for (let i = 0; i < attempts; i++) {
    const got = await fetch(url)
      .then(read)
      .then((v) => ({ v }))
      .catch(() => undefined);
    if (got) {
      value = got.v;
      if (accept(got.v)) return got.v;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return value;
}
