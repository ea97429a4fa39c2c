// Types for scripts/sign-update.mjs (used by tests/unit/packaging/update-signature.test.ts).
import type { KeyObject } from 'node:crypto';
export declare const SIGNATURE_FORMAT: string;
export declare const KEY_ENV: 'RESULTITY_UPDATE_SIGNING_KEY';
export declare function signedMessage(version: string, fileName: string, sha512: string): Buffer;
export declare function rawPublicKey(key: KeyObject | string): string;
export declare function pinnedPublicKey(source?: string): string | null;
export declare function sha512File(path: string): Promise<string>;
export declare function signManifests(
  dir: string,
  privateKeyPem: string,
  pinned: string | null,
  expectVersion?: string,
): Promise<string[]>;
