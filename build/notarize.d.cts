// Types for build/notarize.cjs (used by the packaging tests).
export declare const REQUIRE_ENV: 'RESULTITY_REQUIRE_NOTARIZATION';
export declare function notarisationCredentials(
  env?: NodeJS.ProcessEnv,
): { kind: string; missing: string[] } | null;
export declare function planNotarisation(
  env?: NodeJS.ProcessEnv,
  log?: (line: string) => void,
): { notarise: boolean; kind?: string };
