export { UiService, type UiServiceOptions } from './ui-service.js';
export type { AgentFacade, HostActions } from './agent-facade.js';
export type { EventListener } from './event-hub.js';
export {
  DEFAULT_SETTINGS,
  JsonFileSettingsStore,
  MemorySettingsStore,
  PinnedSettingsStore,
  SettingsSchema,
  SettingsPatchSchema,
  type SettingsStore,
} from './settings-store.js';
export { COMMAND_NAMES, InvalidCommandError, isCommandName } from './command-args.js';
