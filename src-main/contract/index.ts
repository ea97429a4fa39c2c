export type * from './dto.js';
export type * from './api.js';
export { BRIDGE_GLOBAL } from './api.js';
