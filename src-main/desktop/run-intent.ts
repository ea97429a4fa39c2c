import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../service/host-api.js';

/**
 * Whether the operator last left the node running. A node that was serving when the app quit
 * (or the computer restarted) starts again by itself; one the operator stopped stays stopped.
 */
export class RunIntent {
  constructor(readonly path: string) {}

  async wanted(): Promise<boolean> {
    try {
      const parsed = JSON.parse(await readFile(this.path, 'utf8')) as { running?: unknown };
      return parsed.running === true;
    } catch {
      return false;
    }
  }

  async set(running: boolean): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await writeFileAtomic(this.path, `${JSON.stringify({ running })}\n`, { mode: 0o600 });
  }
}
