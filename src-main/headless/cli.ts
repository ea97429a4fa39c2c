#!/usr/bin/env node
import { InFlightJobs, abandonedWords, drainingWords } from './drain-notice.js';
import { printDashboardLink } from './link-command.js';
import { nodeVersionProblem } from './node-version.js';
import { parseOptions, USAGE, UsageError } from './options.js';
import { jsonReporter, statusLineReporter, type Reporter } from './reporter.js';
import { AGENT_VERSION } from './version.js';
import { exitCodeFor, runHeadless, type HeadlessNode } from './run-headless.js';
import { promptSecret } from './prompt-secret.js';

const write = (line: string) => void process.stdout.write(line);
/** How long a stop waits for running jobs (the agent's default drain). */
const DRAIN_S = 60;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  // Answered before anything else is read: install scripts and service checks call it.
  if (argv.includes('--version')) {
    write(`resultity-node ${AGENT_VERSION}\n`);
    return;
  }
  // Before anything needs Node 24 (node:sqlite, for one): say what to do instead of crashing.
  const tooOld = nodeVersionProblem(process.versions.node);
  if (tooOld) {
    process.stderr.write(`${tooOld}\n`);
    process.exit(1);
  }
  // `resultity-node link` (or --print-link): the dashboard link again, for a lost terminal.
  const linkOnly = argv[0] === 'link' || argv.includes('--print-link');
  const rest = argv.filter((a, i) => a !== '--print-link' && !(i === 0 && a === 'link'));
  let cfg;
  try {
    cfg = await parseOptions(rest, process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  if (!cfg) {
    write(`${USAGE}\n`);
    return;
  }
  if (linkOnly) {
    process.exit(await printDashboardLink(cfg, process.env, write, (l) => process.stderr.write(l)));
  }

  const now = () => Date.now();
  // The dashboard token is printed only to a terminal, never into a log (journald, a pipe).
  const output = { terminal: process.stdout.isTTY === true };
  const reporter: Reporter = cfg.json
    ? jsonReporter(write, cfg.logLevel, now, output)
    : statusLineReporter(write, cfg.logLevel, now, output);
  const say = (message: string) =>
    reporter.log({ ts: now(), level: 'warn', source: 'headless', message });

  // Signal handlers first: a SIGTERM during start-up (systemd stopping a slow start) must not
  // kill the process before the node can drain. One arriving before the node exists is kept
  // and acted on once start-up is done.
  let node: HeadlessNode | null = null;
  let pending: string | null = null;
  let exiting = false;
  const inFlight = new InFlightJobs();
  const finish = async (reason: string, code: number) => {
    if (exiting || !node) return;
    exiting = true;
    say(drainingWords(inFlight.list(), DRAIN_S));
    await node.stop(reason).catch((err: unknown) => {
      say(`Shutdown was not clean: ${(err as Error).message}`);
      code = 1;
    });
    reporter.exit(code, reason);
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      // A second signal while draining (or while starting) means "now".
      if (exiting || pending) {
        if (exiting) say(abandonedWords(inFlight.list()));
        process.exit(130);
      }
      if (!node) {
        pending = `stopped by ${signal}`;
        return;
      }
      void finish(`stopped by ${signal}`, 0);
    });
  }

  try {
    node = await runHeadless(
      cfg,
      process.env,
      reporter,
      undefined,
      // Asked only for --import-key without a passphrase file or variable, in a terminal.
      process.stdin.isTTY ? { promptSecret } : {},
    );
  } catch (err) {
    const message = (err as Error).message;
    const usage = err instanceof UsageError;
    if (!cfg.json) process.stderr.write(`${message}\n`);
    reporter.exit(usage ? 2 : 1, message);
    process.exit(usage ? 2 : 1);
  }
  node.node.jobEngine.onEvent(inFlight.apply);
  if (pending) {
    await finish(pending, 0);
    return;
  }
  // The node stops on its own only after a failure (a network drain pauses it, never exits).
  void node.node.agent.stopped.then((state) => finish(state.reason, exitCodeFor(state)));
}

void main();
