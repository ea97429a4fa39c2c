import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import {
  EXTRA_RUNTIME_IMAGES_ENV,
  LogLevelSchema,
  NetworkName,
  RawAddress,
  describeIssues,
  parseExtraRuntimeImages,
} from '../service/host-api.js';
import { ArgValueError, describeArgError, HELP_HINT, parsePortFlag } from './arg-errors.js';
import { DEFAULT_DASHBOARD_PORT } from './dashboard/link-file.js';

const PORT_WORDS = 'a port number from 0 to 65535';
const Port = z.coerce
  .number({ error: PORT_WORDS })
  .int({ error: PORT_WORDS })
  .min(0, { error: PORT_WORDS })
  .max(65535, { error: PORT_WORDS });

/**
 * An OpenAI-compatible base URL. The address vLLM prints ends in /v1; the node adds /v1/…
 * itself, so a trailing /v1 is dropped rather than doubled.
 */
const RuntimeUrl = z.url().transform((url) => url.replace(/\/v1\/?$/, '').replace(/\/$/, ''));

/** What the headless node can be told, from flags or a JSON config file (flags win). */
export const HeadlessConfig = z.strictObject({
  profile: NetworkName.default('local'),
  dataDir: z.string().min(1).optional(),
  /** An OpenAI-compatible endpoint the operator runs (e.g. `vllm serve`). */
  runtimeUrl: RuntimeUrl.optional(),
  /**
   * 'docker': the node runs vLLM in Docker on this machine's NVIDIA GPU (as the desktop app
   * does). 'simulated': the devnet's simulated runtime (local only; the local default when
   * neither this nor runtimeUrl is given).
   */
  runtime: z.enum(['docker', 'simulated']).optional(),
  runtimeApiKey: z.string().min(1).optional(),
  /** With runtimeUrl: write each runtime plan here for a launcher (the Kubernetes pod). */
  runtimePlanFile: z.string().min(1).optional(),
  /** With runtimeUrl: the image that runtime runs, checked against the configuration. */
  runtimeImage: z.string().min(1).optional(),
  /** With runtime 'docker': image repositories allowed besides vLLM's (the operator's call). */
  allowRuntimeImages: z.array(z.string().min(1)).optional(),
  /**
   * With runtime 'docker' when the node itself runs in a container (the agent image): the named
   * Docker volume that holds the model caches, and where it is mounted in the node's container.
   */
  modelsVolume: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a Docker volume name (letters, digits, _ . -)')
    .optional(),
  modelsDir: z.string().startsWith('/', 'an absolute path').optional(),
  /** With runtime 'docker': 'none' runs the devnet's simulated-runtime image without a GPU. */
  runtimeGpu: z.enum(['nvidia', 'none']).optional(),
  logLevel: LogLevelSchema.default('info'),
  json: z.boolean().default(false),
  /** local only: join a devnet that already runs (its URL) instead of starting one in-process. */
  ioUrl: z.url().optional(),
  /** local only, with ioUrl: that devnet's network signer address, pinned like a public one. */
  networkSigner: RawAddress.optional(),
  /** The dashboard's port on 127.0.0.1 (0 or absent: any free port). */
  dashboardPort: Port.optional(),
  /** The built renderer to serve (default: dist/renderer beside the bundle or in the checkout). */
  dashboardDir: z.string().min(1).optional(),
  /** The health and metrics server's port ('off': none; 0: any free port; default 9464). */
  opsPort: z.union([z.literal('off'), Port]).optional(),
  /** Its address (default 127.0.0.1); any other needs an ops token. */
  opsBind: z.string().min(1).optional(),
  /** A file holding the bearer token for /metrics (or RESULTITY_OPS_TOKEN). */
  opsTokenFile: z.string().min(1).optional(),
  /** A key backup (v3 key file) to import into this network's data folder before starting. */
  importKey: z.string().min(1).optional(),
  /** The backup's passphrase, from a file (else RESULTITY_IMPORT_KEY_PASSPHRASE or a prompt). */
  importKeyPassphraseFile: z.string().min(1).optional(),
  /** With importKey: replace a different key already in the data folder (kept aside). */
  force: z.boolean().optional(),
});
export type HeadlessConfig = z.infer<typeof HeadlessConfig>;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `Usage: resultity-node [options]
       resultity-node link [--profile <p>] [--data-dir <dir>]   print the dashboard link again

Runs the Resultity node without a window.

  --profile <local|testnet|mainnet>  network to join (default: local, an in-process devnet
                                     with a SIMULATED runtime)
  --config <file.json>               read these options from a JSON file
                                     (keys: profile, dataDir, runtime, runtimeUrl,
                                     runtimeApiKey, runtimePlanFile, runtimeImage,
                                     allowRuntimeImages, modelsVolume, modelsDir,
                                     runtimeGpu, logLevel, json, ioUrl, networkSigner,
                                     dashboardPort, dashboardDir, opsPort, opsBind,
                                     opsTokenFile)
  --data-dir <dir>                   where keys, snapshots and journals live
                                     (default: RESULTITY_DATA_DIR or the user data folder)
  --runtime <docker|simulated>       docker: run vLLM in Docker on this machine's NVIDIA GPU
                                     (the production runtime); simulated: made-up text, local
                                     profile only (its default)
  --runtime-url <url>                or: an OpenAI-compatible endpoint to serve jobs with
  --runtime-api-key <key>            its bearer key (or RESULTITY_RUNTIME_API_KEY)
  --runtime-plan-file <file>         with --runtime-url: write the model plan of each verified
                                     configuration here (JSON) for a runtime launcher
  --runtime-image <repo:tag@digest>  with --runtime-url: the image that runtime runs; the node
                                     reports when the configuration requires another
  --allow-runtime-image <repository> with --runtime docker: also run images from this
                                     repository (repeatable; or ${EXTRA_RUNTIME_IMAGES_ENV});
                                     by default only vllm/vllm-openai runs, whatever the
                                     network's configuration names
  --models-volume <name>             with --runtime docker, when this node runs in a container:
  --models-dir <dir>                 the Docker volume holding the model caches and where it
                                     is mounted here (both or neither); the runtime containers
                                     mount that volume (they cannot see this container's files)
  --runtime-gpu <nvidia|none>        with --runtime docker: none runs the runtime container
                                     without a GPU (local profile only: the devnet's
                                     simulated-runtime image); default nvidia
  --log-level <debug|info|warn|error>
  --json                             one JSON event per line instead of the status line
  --io-url <url>                     local only: join a devnet already running at this URL
                                     (e.g. \`npm run devnet\`) instead of starting one; needs
                                     --network-signer and --runtime-url or --runtime docker
  --network-signer <0x…>             the signer address that devnet prints; pinned
  --dashboard-port <port>            the dashboard's port on 127.0.0.1 (default: the last
                                     start's, else ${DEFAULT_DASHBOARD_PORT}, else a free one; 0: a free
                                     one); the link with its access token is kept in
                                     <data-dir>/<profile>/dashboard-link (0600) and stays the same
                                     across restarts; printed in full only to a terminal
  --print-link                       print that link and exit (same as: resultity-node link)
  --dashboard-dir <dir>              the built dashboard (default: dist/renderer)
  --ops-port <port|off>              health (/livez, /readyz) and Prometheus metrics (/metrics)
                                     (default: 9464; 0: a free one; off: none)
  --ops-bind <address>               their address (default: 127.0.0.1); any other address
                                     needs an ops token
  --ops-token-file <file>            bearer token for /metrics (or RESULTITY_OPS_TOKEN);
                                     health answers without it and shows nothing secret
  --import-key <file>                import a key backup (a v3 key file, e.g. from "Back up
                                     the key") into this network's data folder, then start
                                     as that node; the passphrase from
                                     --import-key-passphrase-file <file>, else
                                     RESULTITY_IMPORT_KEY_PASSPHRASE, else a prompt
  --force                            with --import-key: replace a different key already in
                                     the data folder (the old key file is kept beside it,
                                     renamed with the time)
  --version                          print the version and exit
  --help

The node key is encrypted with a passphrase from, first found: the systemd credential
resultity-key-passphrase (LoadCredential=), the file named by RESULTITY_KEY_PASSPHRASE_FILE,
RESULTITY_KEY_PASSPHRASE (works, but stays readable in /proc/<pid>/environ), else a passphrase
file (0600) the node keeps in the data folder.`;

/** The flags parseArgs knows; `print-link` and `version` are answered by the CLI before it. */
const FLAGS = {
  profile: { type: 'string' },
  config: { type: 'string' },
  'data-dir': { type: 'string' },
  runtime: { type: 'string' },
  'runtime-url': { type: 'string' },
  'runtime-api-key': { type: 'string' },
  'runtime-plan-file': { type: 'string' },
  'runtime-image': { type: 'string' },
  'allow-runtime-image': { type: 'string', multiple: true },
  'models-volume': { type: 'string' },
  'models-dir': { type: 'string' },
  'runtime-gpu': { type: 'string' },
  'log-level': { type: 'string' },
  json: { type: 'boolean' },
  'io-url': { type: 'string' },
  'network-signer': { type: 'string' },
  'dashboard-port': { type: 'string' },
  'dashboard-dir': { type: 'string' },
  'ops-port': { type: 'string' },
  'ops-bind': { type: 'string' },
  'ops-token-file': { type: 'string' },
  'import-key': { type: 'string' },
  'import-key-passphrase-file': { type: 'string' },
  force: { type: 'boolean' },
  'print-link': { type: 'boolean' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** "dashboardPort: …" → "--dashboard-port: …": the operator typed flags, not config keys. */
function flagWords(issues: string): string {
  return issues.replace(
    /(^|; )([a-z][A-Za-z]*)(?=:)/g,
    (_m, sep: string, key: string) =>
      `${sep}--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/^allow-runtime-images$/, 'allow-runtime-image')}`,
  );
}

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
      options: FLAGS,
    });
  } catch (err) {
    throw new UsageError(describeArgError(err, Object.keys(FLAGS)));
  }
  const v = parsed.values;
  if (v.help) return null;
  try {
    // Numbers are checked here, where the flag's name is known, for a sentence that names it.
    if (v['dashboard-port'] !== undefined) parsePortFlag('--dashboard-port', v['dashboard-port']);
    if (v['ops-port'] !== undefined) parsePortFlag('--ops-port', v['ops-port'], ['off']);
  } catch (err) {
    if (err instanceof ArgValueError) throw new UsageError(err.message);
    throw err;
  }
  const fromFile = v.config ? await readConfigFile(v.config) : {};
  const fromFlags = {
    ...(v.profile !== undefined ? { profile: v.profile } : {}),
    ...(v['data-dir'] !== undefined ? { dataDir: v['data-dir'] } : {}),
    ...(v.runtime !== undefined ? { runtime: v.runtime } : {}),
    ...(v['runtime-url'] !== undefined ? { runtimeUrl: v['runtime-url'] } : {}),
    ...(v['runtime-api-key'] !== undefined ? { runtimeApiKey: v['runtime-api-key'] } : {}),
    ...(v['runtime-plan-file'] !== undefined ? { runtimePlanFile: v['runtime-plan-file'] } : {}),
    ...(v['runtime-image'] !== undefined ? { runtimeImage: v['runtime-image'] } : {}),
    ...(v['allow-runtime-image'] !== undefined
      ? { allowRuntimeImages: v['allow-runtime-image'] }
      : {}),
    ...(v['models-volume'] !== undefined ? { modelsVolume: v['models-volume'] } : {}),
    ...(v['models-dir'] !== undefined ? { modelsDir: v['models-dir'] } : {}),
    ...(v['runtime-gpu'] !== undefined ? { runtimeGpu: v['runtime-gpu'] } : {}),
    ...(v['log-level'] !== undefined ? { logLevel: v['log-level'] } : {}),
    ...(v.json !== undefined ? { json: v.json } : {}),
    ...(v['io-url'] !== undefined ? { ioUrl: v['io-url'] } : {}),
    ...(v['network-signer'] !== undefined ? { networkSigner: v['network-signer'] } : {}),
    ...(v['dashboard-port'] !== undefined ? { dashboardPort: v['dashboard-port'] } : {}),
    ...(v['dashboard-dir'] !== undefined ? { dashboardDir: v['dashboard-dir'] } : {}),
    ...(v['ops-port'] !== undefined ? { opsPort: v['ops-port'] } : {}),
    ...(v['ops-bind'] !== undefined ? { opsBind: v['ops-bind'] } : {}),
    ...(v['ops-token-file'] !== undefined ? { opsTokenFile: v['ops-token-file'] } : {}),
    ...(v['import-key'] !== undefined ? { importKey: v['import-key'] } : {}),
    ...(v['import-key-passphrase-file'] !== undefined
      ? { importKeyPassphraseFile: v['import-key-passphrase-file'] }
      : {}),
    ...(v.force !== undefined ? { force: v.force } : {}),
  };
  const envKey = env.RESULTITY_RUNTIME_API_KEY;
  const merged = { ...(envKey ? { runtimeApiKey: envKey } : {}), ...fromFile, ...fromFlags };
  const result = HeadlessConfig.safeParse(merged);
  if (!result.success) {
    throw new UsageError(
      `Invalid options: ${flagWords(describeIssues(result.error))}. ${HELP_HINT}`,
    );
  }
  checkRuntimeChoice(result.data);
  checkExternalDevnet(result.data);
  checkAllowedImages(result.data, env);
  checkContainerOptions(result.data);
  if ((result.data.importKeyPassphraseFile || result.data.force) && !result.data.importKey) {
    throw new UsageError('--import-key-passphrase-file and --force only apply with --import-key.');
  }
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

/** --io-url joins an already running local devnet: it needs its signer and a runtime. */
function checkExternalDevnet(cfg: HeadlessConfig): void {
  if (cfg.ioUrl === undefined && cfg.networkSigner === undefined) return;
  if (cfg.profile !== 'local') {
    throw new UsageError(
      `--io-url and --network-signer only apply to the local profile; ${cfg.profile} has its own pinned address and signer.`,
    );
  }
  if (cfg.ioUrl === undefined || cfg.networkSigner === undefined) {
    throw new UsageError(
      'Pass --io-url and --network-signer together: the node only trusts configurations signed by the signer the devnet printed.',
    );
  }
  if (cfg.runtimeUrl === undefined && cfg.runtime !== 'docker') {
    throw new UsageError(
      "With --io-url pass --runtime-url too (e.g. the devnet's --with-runtime address) or --runtime docker: no simulated runtime is started for an external devnet.",
    );
  }
}

/** One runtime: the Docker one, an endpoint, or (local only) the simulated one. */
function checkRuntimeChoice(cfg: HeadlessConfig): void {
  if (cfg.runtime !== undefined && cfg.runtimeUrl !== undefined) {
    throw new UsageError(
      `Pass either --runtime ${cfg.runtime} or --runtime-url, not both: --runtime-url already names the runtime the node uses.`,
    );
  }
  if ((cfg.runtimePlanFile || cfg.runtimeImage) && cfg.runtimeUrl === undefined) {
    throw new UsageError(
      '--runtime-plan-file and --runtime-image only apply with --runtime-url: the node manages the other runtimes itself.',
    );
  }
  if (cfg.runtime === 'simulated' && cfg.profile !== 'local') {
    throw new UsageError(
      `The simulated runtime is refused on ${cfg.profile}: it produces no real inference. Use --runtime docker (vLLM in Docker on this machine's NVIDIA GPU) or --runtime-url.`,
    );
  }
}

/** Extra runtime images only mean something to the Docker runtime, and must be repositories. */
function checkAllowedImages(
  cfg: HeadlessConfig,
  env: Readonly<Record<string, string | undefined>>,
): void {
  const fromEnv = env[EXTRA_RUNTIME_IMAGES_ENV];
  if (cfg.allowRuntimeImages === undefined && fromEnv === undefined) return;
  try {
    parseExtraRuntimeImages([...(cfg.allowRuntimeImages ?? []), ...(fromEnv ? [fromEnv] : [])]);
  } catch (err) {
    throw new UsageError(`Invalid --allow-runtime-image: ${(err as Error).message}`);
  }
  if (cfg.allowRuntimeImages !== undefined && cfg.runtime !== 'docker') {
    throw new UsageError(
      '--allow-runtime-image only applies with --runtime docker: the other runtimes run no image.',
    );
  }
}

/** The models volume and the GPU-less runtime only mean something to the Docker runtime. */
function checkContainerOptions(cfg: HeadlessConfig): void {
  if ((cfg.modelsVolume === undefined) !== (cfg.modelsDir === undefined)) {
    throw new UsageError(
      'Pass --models-volume and --models-dir together: the volume name for the runtime containers, and where that same volume is mounted in this container.',
    );
  }
  const used = [
    ...(cfg.modelsVolume !== undefined ? ['--models-volume'] : []),
    ...(cfg.runtimeGpu !== undefined ? ['--runtime-gpu'] : []),
  ];
  if (used.length > 0 && cfg.runtime !== 'docker') {
    throw new UsageError(`${used.join(' and ')} only apply with --runtime docker.`);
  }
  if (cfg.runtimeGpu === 'none' && cfg.profile !== 'local') {
    throw new UsageError(
      `--runtime-gpu none is refused on ${cfg.profile}: it only runs the devnet's simulated-runtime image. Remove it to run vLLM on this machine's NVIDIA GPU.`,
    );
  }
}
