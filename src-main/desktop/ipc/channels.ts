// IPC channel names shared by main and the preload. One channel per command and per event,
// under one prefix, so the preload can only ever reach the contract's channels.
import type { CommandName, EventName } from '../../contract/index.js';

export const commandChannel = (command: CommandName | string): string => `resultity:cmd:${command}`;
export const eventChannel = (event: EventName | string): string => `resultity:evt:${event}`;

/** Names are plain identifiers; anything else never becomes a channel. */
export const SAFE_NAME = /^[a-zA-Z][a-zA-Z0-9]{0,63}$/;
