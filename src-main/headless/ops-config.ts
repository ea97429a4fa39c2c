import { readFile } from 'node:fs/promises';
import {
  DEFAULT_OPS_PORT,
  OpsConfigError,
  checkOpsConfig,
  type OpsConfig,
} from '../service/ops/ops-server.js';
import { UsageError, type HeadlessConfig } from './options.js';

export const OPS_TOKEN_ENV = 'RESULTITY_OPS_TOKEN';

/**
 * The ops server the flags ask for (null: `--ops-port off`), checked before the node starts: a
 * bind beyond loopback without a token is refused. The token comes from --ops-token-file or
 * RESULTITY_OPS_TOKEN, which is then removed from the environment children inherit.
 */
export async function opsConfigFrom(
  cfg: HeadlessConfig,
  env: Readonly<Record<string, string | undefined>>,
): Promise<OpsConfig | null> {
  if (cfg.opsPort === 'off') return null;
  let token = env[OPS_TOKEN_ENV]?.trim() || null;
  if (env[OPS_TOKEN_ENV] !== undefined) delete process.env[OPS_TOKEN_ENV];
  if (cfg.opsTokenFile) {
    try {
      token = (await readFile(cfg.opsTokenFile, 'utf8')).trim();
    } catch (err) {
      throw new UsageError(
        `Cannot read the ops token file ${cfg.opsTokenFile}: ${(err as Error).message}`,
      );
    }
  }
  const config: OpsConfig = {
    bind: cfg.opsBind ?? '127.0.0.1',
    port: cfg.opsPort ?? DEFAULT_OPS_PORT,
    token,
    portIsDefault: cfg.opsPort === undefined,
  };
  try {
    checkOpsConfig(config);
  } catch (err) {
    if (err instanceof OpsConfigError) throw new UsageError(err.message);
    throw err;
  }
  return config;
}
