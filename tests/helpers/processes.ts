import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { headlessOptions } from '../../scripts/build-options.mjs';

/** The repository root (this file is tests/helpers/processes.ts). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartOptions {
  /** Short name for error messages and logs, e.g. "agent". */
  name: string;
  command?: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Lines of output kept for `output()` and error messages (older ones are dropped). */
  keepLines?: number;
  /** Every output line, as it arrives (stdout and stderr). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

type LineWaiter = { test: (line: string) => boolean; resolve: (line: string) => void };

/**
 * A real child process whose output is always read (a full pipe would stall it), line by line,
 * with helpers to wait for a line and to stop it. Every instance is tracked so a test can end
 * whatever it started with `stopAll()`, by pid, never by name.
 */
export class ManagedProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<ExitInfo>;
  private readonly kept: string[] = [];
  private readonly waiters = new Set<LineWaiter>();
  private exitInfo: ExitInfo | null = null;

  constructor(private readonly o: StartOptions) {
    this.child = spawn(o.command ?? process.execPath, o.args, {
      cwd: o.cwd ?? REPO_ROOT,
      env: o.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(this);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        running.delete(this);
        resolve(this.exitInfo);
      });
      this.child.once('error', (err) => {
        this.record(`[spawn error] ${err.message}`, 'stderr');
        this.exitInfo = { code: -1, signal: null };
        running.delete(this);
        resolve(this.exitInfo);
      });
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const src = this.child[stream];
      if (src) createInterface({ input: src }).on('line', (l) => this.record(l, stream));
    }
  }

  get name(): string {
    return this.o.name;
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.o.name} has no pid (spawn failed)`);
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitInfo === null;
  }

  /** The last kept output lines, joined. */
  output(last = 80): string {
    return this.kept.slice(-last).join('\n');
  }

  /** Resolves with the first line (from now on, or already kept) that matches. */
  waitForLine(match: RegExp | ((line: string) => boolean), timeoutMs = 15_000): Promise<string> {
    const test = typeof match === 'function' ? match : (l: string) => match.test(l);
    const seen = this.kept.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return this.waitForNextLine(test, timeoutMs);
  }

  /** Like waitForLine, but only lines that arrive after the call count. */
  waitForNextLine(
    match: RegExp | ((line: string) => boolean),
    timeoutMs = 15_000,
  ): Promise<string> {
    const test = typeof match === 'function' ? match : (l: string) => match.test(l);
    return new Promise((resolve, reject) => {
      const waiter: LineWaiter = { test, resolve: (l) => finish(() => resolve(l)) };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new Error(
                `${this.o.name}: no line matching ${String(match)} within ${timeoutMs} ms` +
                  `${this.alive ? '' : ` (exited: ${JSON.stringify(this.exitInfo)})`}\n--- last output ---\n${this.output(40)}`,
              ),
            ),
          ),
        timeoutMs,
      );
      const finish = (then: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        then();
      };
      this.waiters.add(waiter);
    });
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.alive) this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  async stop(graceMs = 10_000): Promise<ExitInfo> {
    if (!this.alive) return this.exitInfo!;
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    const info = await this.exited;
    clearTimeout(timer);
    return info;
  }

  private record(line: string, stream: 'stdout' | 'stderr'): void {
    this.kept.push(line);
    if (this.kept.length > (this.o.keepLines ?? 2000)) this.kept.splice(0, 500);
    this.o.onLine?.(line, stream);
    for (const w of [...this.waiters]) if (w.test(line)) w.resolve(line);
  }
}

const running = new Set<ManagedProcess>();

export function startProcess(o: StartOptions): ManagedProcess {
  return new ManagedProcess(o);
}

/** Ends every process started through this module that still runs (SIGKILL, by pid). */
export async function stopAll(): Promise<void> {
  const all = [...running];
  for (const p of all) p.kill('SIGKILL');
  await Promise.all(all.map((p) => p.exited));
}

/** Node arguments that run a TypeScript entry through tsx in ONE process (pid = the program). */
export function tsxArgs(entry: string, ...args: string[]): string[] {
  return ['--import', 'tsx', path.resolve(REPO_ROOT, entry), ...args];
}

/**
 * The headless CLI built exactly as `npm run build:headless` builds it (same esbuild options,
 * code-split: the devnet in chunks of its own), into a private folder under node_modules/.cache
 * so bare imports resolve; returns `<folder>/cli.mjs`. Remove the folder (`dirname`) when done.
 */
export async function bundleHeadlessCli(name: string): Promise<string> {
  const outDir = path.join(
    REPO_ROOT,
    'node_modules',
    '.cache',
    'resultity-tests',
    `${name}-${process.pid}`,
  );
  await build({ ...headlessOptions(outDir), absWorkingDir: REPO_ROOT });
  return path.join(outDir, 'cli.mjs');
}

const bundles = new Map<string, Promise<string>>();

/**
 * A TypeScript entry (a CLI such as the devnet's or the simulated runtime's) bundled with
 * esbuild, node_modules left external, so each start is a plain `node <file>`: tsx compiles
 * every module again at each start (about a second on a busy machine). Built once per test
 * process; the file is named by its content's hash under node_modules/.cache (so bare imports
 * resolve), so processes share it and nothing is left per process (test workers are not always
 * given the chance to clean up when they end).
 */
export function bundledEntry(name: string, entry: string): Promise<string> {
  let bundle = bundles.get(entry);
  if (!bundle) {
    bundle = (async () => {
      const built = await build({
        entryPoints: [path.resolve(REPO_ROOT, entry)],
        bundle: true,
        platform: 'node',
        target: 'node24',
        format: 'esm',
        packages: 'external',
        logLevel: 'warning',
        absWorkingDir: REPO_ROOT,
        write: false,
        outfile: 'out.mjs',
      });
      const code = built.outputFiles[0]!.contents;
      const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
      const dir = path.join(REPO_ROOT, 'node_modules', '.cache', 'resultity-tests', 'bundles');
      const file = path.join(dir, `${name}-${hash}.mjs`);
      if (!existsSync(file)) {
        await mkdir(dir, { recursive: true });
        // Another process may write the same file meanwhile: rename makes either copy whole.
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, code);
        await rename(tmp, file);
      }
      return file;
    })();
    bundle.catch(() => bundles.delete(entry));
    bundles.set(entry, bundle);
  }
  return bundle;
}

let ticksPerSecond: number | null = null;

/** USER_HZ, the unit of the CPU times in /proc/<pid>/stat (`getconf CLK_TCK`, nearly always 100). */
function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      ticksPerSecond = 100;
    }
    if (!(ticksPerSecond > 0)) ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

export interface ProcSample {
  /** performance.now() when read. */
  at: number;
  /** user + system CPU time, in seconds. */
  cpuSeconds: number;
  /** Resident set size, in MiB. */
  rssMb: number;
}

/** CPU time (from /proc/<pid>/stat) and RSS (VmRSS of /proc/<pid>/status) of a process. */
export function procSample(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
  return {
    at: performance.now(),
    cpuSeconds: (utime + stime) / clockTicks(),
    rssMb: rssKb / 1024,
  };
}

/** CPU share (% of one core) between two samples of the same process. */
export function cpuPercent(a: ProcSample, b: ProcSample): number {
  const wall = (b.at - a.at) / 1000;
  return wall > 0 ? ((b.cpuSeconds - a.cpuSeconds) / wall) * 100 : 0;
}

/** Polls `check` until it returns a truthy value, or throws after `timeoutMs`. */
export async function waitUntil<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const why = last ? ` (last error: ${(last as Error).message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
