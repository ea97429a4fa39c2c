#!/usr/bin/env node
// The headless node's entry (dist/headless/cli.mjs): before anything large is loaded, it
// replaces itself once (process.execve: same pid, nothing left running) with the memory
// settings of memory-flags.ts, then runs the CLI. Where execve is missing (Windows) or
// RESULTITY_NODE_TUNED is set, it runs the CLI as it was started.
import { NODE_MEMORY_ENV, NODE_V8_FLAGS, TUNED_ENV } from '../core/system/memory-flags.js';

if (!process.env[TUNED_ENV] && typeof process.execve === 'function') {
  process.execve(
    process.execPath,
    [process.execPath, ...NODE_V8_FLAGS, ...process.execArgv, ...process.argv.slice(1)],
    { ...process.env, ...NODE_MEMORY_ENV, [TUNED_ENV]: '1' },
  );
}
await import('./cli.js');
