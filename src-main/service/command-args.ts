import { z } from 'zod';
import type { CommandArg, CommandName, OwnerBinding, SettingsDto } from '../contract/index.js';
import { parseAccountBinding } from '../core/identity/account-binding.js';
import { describeZodIssues } from '../core/store/atomic-file.js';
import { SettingsPatchSchema } from './settings-store.js';

/** A command from a UI that the service cannot accept as sent. */
export class InvalidCommandError extends Error {
  override readonly name = 'InvalidCommandError';
  readonly code = 'invalid_command';
}

const NoArg = z.union([z.undefined(), z.null()]);

function noArg(command: string) {
  return (arg: unknown): void => {
    if (!NoArg.safeParse(arg).success) {
      throw new InvalidCommandError(`The command "${command}" takes no argument.`);
    }
  };
}

function settingsPatch(arg: unknown): Partial<SettingsDto> & { confirmRestart?: boolean } {
  const parsed = SettingsPatchSchema.safeParse(arg);
  if (parsed.success) return parsed.data;
  throw new InvalidCommandError(
    `These settings cannot be saved: ${describeZodIssues(parsed.error)}. ` +
      'Correct the value and try again (the data folder can only be set at install or with ' +
      'the headless --data-dir option).',
  );
}

const PassphraseArg = z.strictObject({ passphrase: z.string().max(1024) });

/** The passphrase itself never appears in the error (the error may be logged). */
function passphraseArg(command: string) {
  return (arg: unknown): { passphrase: string } => {
    const parsed = PassphraseArg.safeParse(arg);
    if (parsed.success) return parsed.data;
    throw new InvalidCommandError(
      `The command "${command}" takes { passphrase: text of at most 1,024 characters }.`,
    );
  };
}

function binding(arg: unknown): OwnerBinding | null {
  if (arg === null || arg === undefined) return null;
  // Plain messages ("a wallet address is 0x followed by 40 hexadecimal characters…").
  return parseAccountBinding(arg);
}

/** Validates each command's argument: input from a renderer or a browser is untrusted. */
const PARSERS: { [C in CommandName]: (arg: unknown) => CommandArg<C> } = {
  getSnapshot: noArg('getSnapshot'),
  start: noArg('start'),
  stop: noArg('stop'),
  updateSettings: settingsPatch,
  bindAccount: binding,
  checkSetup: noArg('checkSetup'),
  exportDiagnostics: noArg('exportDiagnostics'),
  openLogsFolder: noArg('openLogsFolder'),
  retryNow: noArg('retryNow'),
  backupKey: passphraseArg('backupKey'),
  importKey: passphraseArg('importKey'),
};

export const COMMAND_NAMES = Object.keys(PARSERS) as CommandName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(PARSERS, name);
}

export function parseCommandArg<C extends CommandName>(command: C, arg: unknown): CommandArg<C> {
  if (!isCommandName(command)) {
    throw new InvalidCommandError(`Unknown command "${String(command)}".`);
  }
  return PARSERS[command](arg) as CommandArg<C>;
}
