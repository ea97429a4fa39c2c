import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { NetworkName } from '../core/protocol/index.js';
import { describeIssues } from '../core/protocol/index.js';
import { LogLevel } from '../core/protocol/index.js';

/** What the headless node can be told, from flags or a JSON config file (flags win). */
export const HeadlessConfig = z.strictObject({
  profile: NetworkName.default('local'),
  dataDir: z.string().min(1).optional(),
  /** An OpenAI-compatible endpoint the operator runs (e.g. `vllm serve`). */
  runtimeUrl: z.url().optional(),
  runtimeApiKey: z.string().min(1).optional(),
  logLevel: LogLevel.default('info'),
  json: z.boolean().default(false),
});
export type HeadlessConfig = z.infer<typeof HeadlessConfig>;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: resultity-node [options]

Runs the Resultity node without a window.

  --profile <local|testnet|mainnet>  network to join (default: local, an in-process devnet
                                     with a SIMULATED runtime)
  --config <file.json>               read these options from a JSON file
                                     (keys: profile, dataDir, runtimeUrl, runtimeApiKey,
                                     logLevel, json)
  --data-dir <dir>                   where keys, snapshots and journals live
                                     (default: RESULTITY_DATA_DIR or the user data folder)
  --runtime-url <url>                an OpenAI-compatible endpoint to serve jobs with
  --runtime-api-key <key>            its bearer key (or RESULTITY_RUNTIME_API_KEY)
  --log-level <debug|info|warn|error>
  --json                             one JSON event per line instead of the status line
  --help

The node key is encrypted with RESULTITY_KEY_PASSPHRASE when set, else with a passphrase
file (0600) kept in the data folder.`;

/** Parses argv (and the --config file it names); null means --help was asked. */
export async function parseOptions(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<HeadlessConfig | null> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      options: {
        profile: { type: 'string' },
        config: { type: 'string' },
        'data-dir': { type: 'string' },
        'runtime-url': { type: 'string' },
        'runtime-api-key': { type: 'string' },
        'log-level': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${USAGE}`);
  }
  const v = parsed.values;
  if (v.help) return null;
  const fromFile = v.config ? await readConfigFile(v.config) : {};
  const fromFlags = {
    ...(v.profile !== undefined ? { profile: v.profile } : {}),
    ...(v['data-dir'] !== undefined ? { dataDir: v['data-dir'] } : {}),
    ...(v['runtime-url'] !== undefined ? { runtimeUrl: v['runtime-url'] } : {}),
    ...(v['runtime-api-key'] !== undefined ? { runtimeApiKey: v['runtime-api-key'] } : {}),
    ...(v['log-level'] !== undefined ? { logLevel: v['log-level'] } : {}),
    ...(v.json !== undefined ? { json: v.json } : {}),
  };
  const envKey = env.RESULTITY_RUNTIME_API_KEY;
  const merged = { ...(envKey ? { runtimeApiKey: envKey } : {}), ...fromFile, ...fromFlags };
  const result = HeadlessConfig.safeParse(merged);
  if (!result.success) throw new UsageError(`Invalid options: ${describeIssues(result.error)}`);
  return result.data;
}

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`Cannot read the config file ${path}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`The config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  const shape = HeadlessConfig.partial().safeParse(value);
  if (!shape.success) {
    throw new UsageError(`The config file ${path} is invalid: ${describeIssues(shape.error)}`);
  }
  return value as Record<string, unknown>;
}
