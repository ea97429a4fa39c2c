// Types for build/after-pack.cjs (used by the packaging tests).
export interface AfterPackContextLike {
  appOutDir: string;
  electronPlatformName: string;
  arch: number;
  targets?: Array<{ name: string }>;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}
export declare function electronBinaryPath(context: AfterPackContextLike): string;
export declare function afterPack(
  context: AfterPackContextLike,
  env?: NodeJS.ProcessEnv,
  log?: (line: string) => void,
): Promise<void>;
declare const _default: typeof afterPack;
export default _default;
