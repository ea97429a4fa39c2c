#!/usr/bin/env node
/**
 * `vllm serve` look-alike for the devnet: a SIMULATED vLLM OpenAI-compatible server with no GPU
 * and no weights. Prints vLLM-style logs, including one line with its URL once listening.
 */
import { parseCliArgs, USAGE } from './cli-args.js';
import { startSimRuntime } from './server.js';
import { vllmLogLine } from './vllm-log.js';

async function main(): Promise<void> {
  let config;
  try {
    config = parseCliArgs(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`error: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (config.help) {
    console.log(USAGE);
    return;
  }
  const { options, exitOnCrash } = config;
  const runtime = await startSimRuntime({
    ...options,
    log: (line) => console.log(line),
    onFatal: (code, reason) => {
      // OOM at start always ends the process; an engine crash only with --exit-on-crash.
      if (reason === 'crash' && !exitOnCrash) return;
      // Let in-flight answers reach their clients first.
      setTimeout(() => process.exit(code), 100);
    },
  }).catch((error: unknown) => {
    console.error(`error: could not start the simulated vLLM server: ${(error as Error).message}`);
    process.exit(1);
  });

  const stop = (signal: string) => {
    console.log(
      vllmLogLine(
        'APIServer',
        'INFO',
        'launcher.py:101',
        `Shutting down FastAPI HTTP server (${signal}).`,
      ),
    );
    void runtime.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

void main();
