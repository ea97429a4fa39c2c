import type { BuildOptions } from 'esbuild';

export const common: BuildOptions;
export function headlessOptions(outdir?: string): BuildOptions;
export const INLINED_PACKAGES: string[];
