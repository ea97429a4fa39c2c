import { Agent, type AgentOptions } from '../../../../src-main/core/agent/agent.js';
import { localProfile } from '../../../../src-main/core/config/network-profiles.js';
import { LinkSession } from '../../../../src-main/core/agent/link-session.js';
import { SnapshotStore } from '../../../../src-main/core/config/snapshot-store.js';
import { NodeIdentity } from '../../../../src-main/core/identity/node-identity.js';
import { createLogger, type LogEntry } from '../../../../src-main/core/logger.js';
import { ensureDataDirs, resolveDataDirs } from '../../../../src-main/core/store/data-dirs.js';
import { nullGpuSampler } from '../../../../src-main/core/system/gpu-status.js';
import { ManualClock } from '../../../helpers/manual-clock.js';
import { FakeIo } from './fake-io.js';
import { FakeJobEngine } from './fake-job-engine.js';
import { FakeLink } from './fake-link.js';
import { FakeRuntime } from './fake-runtime.js';
import type { SnapshotIssuer } from './snapshots.js';

export interface Harness {
  agent: Agent;
  io: FakeIo;
  links: FakeLink[];
  runtime: FakeRuntime;
  jobs: FakeJobEngine;
  clock: ManualClock;
  logs: LogEntry[];
  states: string[];
  link(): FakeLink;
}

/** An Agent wired to fakes over a real temp data folder. */
export async function makeAgent(
  root: string,
  issuer: SnapshotIssuer,
  identity: NodeIdentity,
  parts: { io?: FakeIo; runtime?: FakeRuntime; options?: AgentOptions } = {},
): Promise<Harness> {
  const dirs = resolveDataDirs(root, 'local');
  await ensureDataDirs(dirs);
  const io = parts.io ?? new FakeIo();
  const runtime = parts.runtime ?? new FakeRuntime();
  const jobs = new FakeJobEngine();
  const clock = new ManualClock(Date.now());
  const logs: LogEntry[] = [];
  const links: FakeLink[] = [];
  const logger = createLogger([(e) => logs.push(e)], { minLevel: 'debug' });
  const agent = new Agent({
    profile: localProfile('http://127.0.0.1:9', issuer.key.address),
    dirs,
    identity,
    createIo: () => io,
    link: new LinkSession(
      (opts) => {
        const link = new FakeLink(
          opts,
          () => io.served?.config_digest ?? `sha256:${'0'.repeat(64)}`,
        );
        links.push(link);
        return link;
      },
      clock,
      logger,
    ),
    runtime,
    jobEngine: jobs,
    configStore: new SnapshotStore(dirs),
    clock,
    logger,
    gpuSampler: nullGpuSampler,
    hardware: async () => ({
      os: 'linux 6.1',
      arch: 'x64',
      cpu_model: 'test cpu',
      cpu_cores: 2,
      memory_total_mb: 4096,
      gpus: [],
      docker_version: null,
    }),
    memory: () => ({ total_mb: 4096, free_mb: 2048 }),
    agentVersion: '0.1.0-test',
    options: { registerRetry: { baseMs: 1000, maxMs: 4000 }, ...parts.options },
  });
  const states: string[] = [];
  agent.onStateChange(({ state }) => states.push(state.name));
  return {
    agent,
    io,
    links,
    runtime,
    jobs,
    clock,
    logs,
    states,
    link: () => {
      const l = links.at(-1);
      if (!l) throw new Error('no link created yet');
      return l;
    },
  };
}

export { NodeIdentity };

/** Lets pending promises and I/O callbacks run. */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** Polls `check` (letting I/O run) until it holds; fails with `what` after ~2 s. */
export async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}
