import { UnsupportedVersionError } from './errors.js';

/** Wire protocol version: "MAJOR.MINOR". A peer rejects an unknown MAJOR; MINOR adds optional fields only. */
export const PROTOCOL_VERSION = '1.0';
export const PROTOCOL_MAJOR = 1;

/** Throws UnsupportedVersionError unless `v` is "1.x". */
export function assertSupportedVersion(v: unknown): void {
  const match = typeof v === 'string' ? /^(\d+)\.(\d+)$/.exec(v) : null;
  if (!match) {
    throw new UnsupportedVersionError(
      `protocol version ${JSON.stringify(v)} is not of the form "MAJOR.MINOR"`,
    );
  }
  if (Number(match[1]) !== PROTOCOL_MAJOR) {
    throw new UnsupportedVersionError(
      `protocol version ${v} is not supported (this node speaks ${PROTOCOL_VERSION}); update Resultity Node`,
    );
  }
}
