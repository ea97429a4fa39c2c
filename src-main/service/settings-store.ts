import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { SettingsDto } from '../contract/index.js';
import { JsonFileError, readJsonFile, writeFileAtomic } from '../core/store/atomic-file.js';
import { PauseTriggersSchema, defaultPauseWhen } from './pause-triggers-settings.js';

const ProtocolNetwork = z.enum(['local', 'testnet', 'mainnet']);

/** A custom network: its IO service and the address that signs its configurations. */
export const CustomNetworkSchema = z
  .object({
    ioUrl: z
      .url({ protocol: /^https?$/, message: 'The IO service address must start with https://.' })
      .max(2048),
    signer: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/, 'The signer must be an address: 0x and 40 hex digits.'),
    protocolNetwork: ProtocolNetwork,
  })
  .strict()
  .refine((c) => c.protocolNetwork === 'local' || c.ioUrl.startsWith('https://'), {
    message:
      'Only a local (devnet) network may use http://; a testnet or mainnet network needs https://.',
    path: ['ioUrl'],
  });

/** Every field a settings file may hold; unknown keys are kept out. */
export const SettingsSchema = z.object({
  network: z.enum(['local', 'testnet', 'mainnet', 'custom']),
  customNetwork: CustomNetworkSchema.nullable(),
  dataDir: z.string().min(1),
  launchAtLogin: z.boolean(),
  keepAwake: z.boolean(),
  autoUpdate: z.boolean(),
  maxConcurrentJobs: z.number().int().min(1).max(256).nullable(),
  gpuMemoryHeadroomMb: z.number().int().min(0).max(1_048_576),
  modelDiskBudgetGb: z.number().int().min(1).max(1_000_000).nullable(),
  theme: z.enum(['system', 'light', 'dark']),
  pauseWhen: PauseTriggersSchema,
});

/**
 * A stored file: any field may be missing (an older version), and so may a trigger inside
 * `pauseWhen` (one added later); each takes its default.
 */
const StoredSettingsSchema = SettingsSchema.partial().extend({
  pauseWhen: PauseTriggersSchema.partial().optional(),
});

/**
 * What a UI may change. The data folder is fixed for a running app (it holds the node key):
 * it is chosen at install or with the headless `--data-dir` flag, never from a web page.
 */
export const SettingsPatchSchema = SettingsSchema.omit({ dataDir: true })
  .partial()
  // Not a setting: the operator's yes to a runtime restart under running jobs (never stored).
  .extend({ confirmRestart: z.boolean().optional() })
  .strict()
  .refine((p) => p.network !== 'custom' || p.customNetwork, {
    message: 'Choosing a custom network needs its IO service address and signer.',
    path: ['customNetwork'],
  });

/**
 * The settings both hosts start from. The host adds `dataDir` (where its data lives: the
 * desktop's default folder, or the headless `--data-dir`) and its pause triggers' defaults.
 */
export const DEFAULT_SETTINGS: Readonly<Omit<SettingsDto, 'dataDir' | 'pauseWhen'>> = Object.freeze(
  {
    network: 'testnet',
    customNetwork: null,
    launchAtLogin: false,
    keepAwake: false,
    autoUpdate: true,
    maxConcurrentJobs: null,
    gpuMemoryHeadroomMb: 1024,
    modelDiskBudgetGb: null,
    theme: 'system',
  },
);

export function defaultSettings(dataDir: string, host: 'desktop' | 'headless'): SettingsDto {
  return { ...DEFAULT_SETTINGS, pauseWhen: defaultPauseWhen(host), dataDir };
}

export interface SettingsStore {
  load(): Promise<SettingsDto>;
  save(settings: SettingsDto): Promise<void>;
  /**
   * Set by `load` when the stored file could not be used and defaults were loaded instead; the
   * UI service logs it as a warning so a reset never goes unnoticed.
   */
  readonly lastProblem: string | null;
}

/** Settings in one small JSON file, written atomically. A broken file falls back to defaults. */
export class JsonFileSettingsStore implements SettingsStore {
  /** Set when the last load found a file it could not use (shown in the log by the service). */
  lastProblem: string | null = null;

  constructor(
    readonly path: string,
    private readonly defaults: SettingsDto,
  ) {}

  async load(): Promise<SettingsDto> {
    this.lastProblem = null;
    try {
      // Missing fields (a file from an older version) take their defaults.
      const { pauseWhen, ...stored } = await readJsonFile(this.path, StoredSettingsSchema);
      return {
        ...this.defaults,
        ...stored,
        pauseWhen: { ...this.defaults.pauseWhen, ...pauseWhen },
      };
    } catch (err) {
      if (err instanceof JsonFileError && err.problem === 'missing') return { ...this.defaults };
      this.lastProblem =
        `${(err as Error).message} The app uses default settings; saving a setting ` +
        'rewrites the file.';
      return { ...this.defaults };
    }
  }

  async save(settings: SettingsDto): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await writeFileAtomic(this.path, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  }
}

/** Keeps settings in memory only (tests, one-off runs). */
export class MemorySettingsStore implements SettingsStore {
  readonly lastProblem = null;
  constructor(private settings: SettingsDto) {}
  async load(): Promise<SettingsDto> {
    return { ...this.settings };
  }
  async save(settings: SettingsDto): Promise<void> {
    this.settings = { ...settings };
  }
}

/**
 * A store whose `fixed` fields the host decides (headless: network and data folder come from
 * the command line); a UI cannot move them, and `lastProblem` still reaches the service.
 */
export class PinnedSettingsStore implements SettingsStore {
  constructor(
    private readonly store: SettingsStore,
    readonly fixed: Partial<SettingsDto>,
  ) {}

  get lastProblem(): string | null {
    return this.store.lastProblem;
  }

  async load(): Promise<SettingsDto> {
    return { ...(await this.store.load()), ...this.fixed };
  }

  save(settings: SettingsDto): Promise<void> {
    return this.store.save({ ...settings, ...this.fixed });
  }
}
