import type Docker from 'dockerode';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeFileAtomic } from '../../store/atomic-file.js';
import type { Logger } from '../../logger.js';

const Entry = z.object({
  ref: z.string(),
  digest: z.string(),
  imageId: z.string(),
  addedAt: z.number().optional(),
});
const Record = z.object({ images: z.array(Entry) });
export type OwnedImage = z.infer<typeof Entry>;

/**
 * The runtime images this node pulled itself. Pulled images cannot carry our labels, so this
 * record is how we tell ours from the operator's: only images in it are ever removed.
 */
export class OwnedImages {
  constructor(
    private readonly file: string,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async list(): Promise<OwnedImage[]> {
    const data = await readJsonFile(this.file, Record).catch(() => null);
    return data?.images ?? [];
  }

  async add(image: Omit<OwnedImage, 'addedAt'>): Promise<void> {
    const images = (await this.list()).filter((i) => i.digest !== image.digest);
    images.push({ ...image, addedAt: this.now() });
    await this.#write(images);
  }

  async #write(images: OwnedImage[]): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFileAtomic(this.file, JSON.stringify({ images }, null, 2));
  }

  /**
   * Removes the images we pulled whose digest is not in `keep`. An image still used by a
   * container (even a stopped one of the operator's) is left alone and kept on the record.
   */
  async removeSuperseded(docker: Docker, keep: readonly string[]): Promise<string[]> {
    const removed: string[] = [];
    const remaining: OwnedImage[] = [];
    for (const image of await this.list()) {
      if (keep.includes(image.digest)) {
        remaining.push(image);
        continue;
      }
      try {
        await docker.getImage(image.ref).remove({ noprune: false });
        removed.push(image.ref);
        this.logger.info(`Removed superseded runtime image ${image.ref}`);
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        if (status === 404) continue;
        remaining.push(image);
        this.logger.info(`Kept superseded runtime image ${image.ref}: it is still in use`, {
          error: String(err),
        });
      }
    }
    await this.#write(remaining);
    return removed;
  }
}
