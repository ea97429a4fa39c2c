// Types for build/fuses.cjs (used by the packaging tests).
export declare const WANTED: Readonly<Record<string, boolean>>;
export declare const DRY_RUN_ENV: 'RESULTITY_PACKAGING_DRY_RUN';
export declare function isDryRun(env?: NodeJS.ProcessEnv): boolean;
export declare function applyFuses(opts: {
  binaryPath: string;
  platform: string;
  arch: string;
  dryRun: boolean;
  log?: (line: string) => void;
}): Promise<{ flipped: boolean; reason?: string }>;
