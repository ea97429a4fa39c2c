import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const FILE = 'instance-id';
const SHAPE = /^[0-9a-f]{12}$/;

/**
 * This data folder's mark on its runtime containers (INSTANCE_LABEL), made once and kept in
 * the runtime folder: a node removing its leftovers at start leaves alone the containers of
 * another node on the same engine and network (another data folder, or another agent
 * container whose /data looks the same).
 */
export async function loadRuntimeInstance(runtimeRoot: string): Promise<string> {
  const file = path.join(runtimeRoot, FILE);
  const kept = await readFile(file, 'utf8').then(
    (t) => t.trim(),
    () => '',
  );
  if (SHAPE.test(kept)) return kept;
  const made = randomBytes(6).toString('hex');
  await mkdir(runtimeRoot, { recursive: true });
  await writeFile(file, `${made}\n`, { mode: 0o600 });
  return made;
}
