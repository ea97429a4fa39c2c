export type * from './dto.js';
export type * from './api.js';
export type * from './pause.js';
export type * from './updates.js';
export type * from './log-search.js';
export { LOG_SEARCH_MAX_MATCHES, LOG_SEARCH_MAX_TEXT } from './log-search.js';
export { BRIDGE_GLOBAL } from './api.js';
export {
  BridgeError,
  toWireError,
  toReply,
  fromReply,
  isErrorReply,
  bridgeFromPreload,
} from './errors.js';
export type * from './ws-frames.js';
export { WS_BRIDGE_PATH, WS_CLOSE, WS_MAX_CLIENT_FRAME } from './ws-frames.js';
export {
  assessPassphrase,
  MIN_PASSPHRASE_BITS,
  MIN_PASSPHRASE_LENGTH,
  type PassphraseStrength,
  type PassphraseVerdict,
} from './passphrase-strength.js';
export { accountOf, accountWords, shortOwner, type AccountWords } from './account-words.js';
export {
  DESKTOP_DRAIN_TIMEOUT_MS,
  stopWhileJobsWords,
  type StopConfirmWords,
} from './stop-words.js';
