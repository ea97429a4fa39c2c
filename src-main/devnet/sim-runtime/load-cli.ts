import { parseArgs } from 'node:util';
import { runLoad } from './load.js';

// The load generator as a command (its own file: a run-if-main guard inside load.ts would also
// fire in any bundle that includes it, e.g. the devnet's):
//   npx tsx src-main/devnet/sim-runtime/load-cli.ts --url http://127.0.0.1:8000 --concurrency 64
const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8000' },
    'api-key': { type: 'string' },
    concurrency: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '10' },
    'max-tokens': { type: 'string', default: '16' },
    stream: { type: 'boolean', default: false },
  },
});
const result = await runLoad({
  url: values.url,
  apiKey: values['api-key'],
  concurrency: Number(values.concurrency),
  durationMs: Number(values.seconds) * 1000,
  body: {
    prompt: 'Benchmark prompt.',
    max_tokens: Number(values['max-tokens']),
    ignore_eos: true,
    stream: values.stream,
  },
});
console.log(JSON.stringify(result));
