import { z } from 'zod';
import type { CommandArg, CommandName, SettingsDto } from '../contract/index.js';
import { LOG_SEARCH_MAX_TEXT } from '../contract/log-search.js';
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

/** A command argument object, checked by a zod schema; the messages say what to fix. */
function shaped<T>(command: string, schema: z.ZodType<T>) {
  return (arg: unknown): T => {
    const parsed = schema.safeParse(arg);
    if (parsed.success) return parsed.data;
    throw new InvalidCommandError(
      `The command "${command}" was sent with a wrong argument: ${describeZodIssues(parsed.error)}.`,
    );
  };
}

const PauseArg = z.strictObject({
  minutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .nullable(),
});

function pauseArg(arg: unknown): { minutes: number | null } {
  const parsed = PauseArg.safeParse(arg);
  if (parsed.success) return parsed.data;
  throw new InvalidCommandError(
    `A pause takes { minutes }: a whole number from 1 to 10080, or null for "until I resume" (${describeZodIssues(parsed.error)}).`,
  );
}

function confirmArg(arg: unknown): { confirm: true } {
  if (z.strictObject({ confirm: z.literal(true) }).safeParse(arg).success) return { confirm: true };
  throw new InvalidCommandError('Ending the process needs { confirm: true }.');
}

// Addresses, signatures and codes are checked again, with plain reasons, by the owner binder.
const Text = (max: number) => z.string().trim().min(1).max(max);

/** Validates each command's argument: input from a renderer or a browser is untrusted. */
const PARSERS: { [C in CommandName]: (arg: unknown) => CommandArg<C> } = {
  getSnapshot: noArg('getSnapshot'),
  start: noArg('start'),
  stop: noArg('stop'),
  pause: pauseArg,
  resume: noArg('resume'),
  endProcess: confirmArg,
  updateSettings: settingsPatch,
  walletBindingMessage: shaped('walletBindingMessage', z.strictObject({ address: Text(100) })),
  bindWallet: shaped(
    'bindWallet',
    z.strictObject({ message: z.string().min(1).max(2000), signature: Text(200) }),
  ),
  requestEmailCode: shaped('requestEmailCode', z.strictObject({ email: Text(254) })),
  confirmEmailCode: shaped('confirmEmailCode', z.strictObject({ code: Text(20) })),
  checkSetup: noArg('checkSetup'),
  exportDiagnostics: noArg('exportDiagnostics'),
  openLogsFolder: noArg('openLogsFolder'),
  searchLogs: shaped(
    'searchLogs',
    z.strictObject({
      text: Text(LOG_SEARCH_MAX_TEXT),
      before: z.number().int().nonnegative().optional(),
    }),
  ),
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
