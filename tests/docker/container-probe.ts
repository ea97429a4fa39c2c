import type Docker from 'dockerode';
import { demuxToText } from '../../src-main/core/runtime/docker/log-stream.js';

/** What a process inside the container sees of itself and of its surroundings. */
export interface InsideView {
  /** /proc/1/status of the container's main process (the runtime itself). */
  main: Record<string, string>;
  /** /proc/self/status of the probe, started like any later process in the container. */
  probe: Record<string, string>;
  shmEntries: string[];
  writes: Record<string, string>;
  pidsMax: string | null;
}

/**
 * Runs a Node one-liner inside the running container (the sim image ships /node) that reads
 * /proc/1/status and /proc/self/status, lists /dev/shm and tries to write where vLLM may and
 * may not write. Proof from inside, beside what the engine reports in HostConfig.
 */
export async function probeInside(
  container: Docker.Container,
  paths: string[],
): Promise<InsideView> {
  const script = `
    const fs = require('fs');
    const pick = (f) => Object.fromEntries(fs.readFileSync(f, 'utf8').split('\\n')
      .filter((l) => /^(Uid|Gid|CapEff|CapPrm|CapBnd|CapAmb|NoNewPrivs|Seccomp):/.test(l))
      .map((l) => [l.split(':')[0], l.split(':')[1].trim().replace(/\\s+/g, ' ')]));
    const writes = {};
    for (const p of ${JSON.stringify(paths)}) {
      try { fs.writeFileSync(p + '/.probe', 'x'); fs.unlinkSync(p + '/.probe'); writes[p] = 'ok'; }
      catch (e) { writes[p] = e.code; }
    }
    let pidsMax = null;
    for (const f of ['/sys/fs/cgroup/pids.max', '/sys/fs/cgroup/pids/pids.max'])
      try { pidsMax = fs.readFileSync(f, 'utf8').trim(); break; } catch {}
    process.stdout.write(JSON.stringify({ main: pick('/proc/1/status'),
      probe: pick('/proc/self/status'), shmEntries: fs.readdirSync('/dev/shm'), writes, pidsMax }));
  `;
  const exec = await container.exec({
    Cmd: ['/node', '-e', script],
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const text = demuxToText(Buffer.concat(chunks));
  const { ExitCode } = await exec.inspect();
  if (ExitCode !== 0) throw new Error(`the probe failed (${ExitCode}): ${text}`);
  return JSON.parse(text) as InsideView;
}
