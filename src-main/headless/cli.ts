#!/usr/bin/env node
import { parseOptions, USAGE, UsageError } from './options.js';
import { jsonReporter, statusLineReporter, type Reporter } from './reporter.js';
import { AGENT_VERSION } from './version.js';
import { exitCodeFor, runHeadless, type HeadlessNode } from './run-headless.js';

const write = (line: string) => void process.stdout.write(line);

async function main(): Promise<void> {
  // Answered before anything else is read: install scripts and service checks call it.
  if (process.argv.slice(2).includes('--version')) {
    write(`resultity-node ${AGENT_VERSION}\n`);
    return;
  }
  let cfg;
  try {
    cfg = await parseOptions(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  if (!cfg) {
    write(`${USAGE}\n`);
    return;
  }

  const now = () => Date.now();
  // The dashboard token is printed only to a terminal, never into a log (journald, a pipe).
  const output = { terminal: process.stdout.isTTY === true };
  const reporter: Reporter = cfg.json
    ? jsonReporter(write, cfg.logLevel, now, output)
    : statusLineReporter(write, cfg.logLevel, now, output);

  // Signal handlers first: a SIGTERM during start-up (systemd stopping a slow start) must not
  // kill the process before the node can drain. One arriving before the node exists is kept
  // and acted on once start-up is done.
  let node: HeadlessNode | null = null;
  let pending: string | null = null;
  let exiting = false;
  const finish = async (reason: string, code: number) => {
    if (exiting || !node) return;
    exiting = true;
    await node.stop(reason).catch((err: unknown) => {
      reporter.log({
        ts: now(),
        level: 'error',
        source: 'headless',
        message: `Shutdown was not clean: ${(err as Error).message}`,
      });
      code = 1;
    });
    reporter.exit(code, reason);
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      // A second signal while draining (or while starting) means "now".
      if (exiting || pending) process.exit(130);
      if (!node) {
        pending = `stopped by ${signal}`;
        return;
      }
      void finish(`stopped by ${signal}`, 0);
    });
  }

  try {
    node = await runHeadless(cfg, process.env, reporter);
  } catch (err) {
    const message = (err as Error).message;
    if (!cfg.json) process.stderr.write(`${message}\n`);
    reporter.exit(err instanceof UsageError ? 2 : 1, message);
    process.exit(err instanceof UsageError ? 2 : 1);
  }
  if (pending) {
    await finish(pending, 0);
    return;
  }
  // The node stops on its own only after a failure (a network drain pauses it, never exits).
  void node.node.agent.stopped.then((state) => finish(state.reason, exitCodeFor(state)));
}

void main();
