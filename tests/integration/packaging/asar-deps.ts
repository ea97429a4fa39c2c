import { extractFile } from '@electron/asar';
import { builtinModules } from 'node:module';
import path from 'node:path';

/** `react-dom/client` → `react-dom`, `@a/b/c` → `@a/b`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/** Bare packages a bundled CommonJS file loads at run time (not node: builtins, not electron). */
export function externalRequires(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/\b(?:require|import)\(\s*["']([^"'./][^"']*)["']\s*\)/g)) {
    const spec = m[1]!;
    if (spec.startsWith('node:') || builtinModules.includes(spec) || spec === 'electron') continue;
    found.add(packageName(spec));
  }
  return [...found].sort();
}

/** Node's lookup: the nearest node_modules/<name> walking up from `fromDir` (asar-relative). */
export function resolvesIn(entries: Set<string>, fromDir: string, name: string): boolean {
  let dir = fromDir;
  for (;;) {
    if (entries.has(path.posix.join(dir, 'node_modules', name, 'package.json'))) return true;
    if (dir === '' || dir === '.') return false;
    const parent = path.posix.dirname(dir);
    dir = parent === dir ? '' : parent;
  }
}

/**
 * Every required dependency of every packed package must resolve inside the asar: catches a
 * dependency collector that silently left something out. Optional and peer ones may be absent.
 */
export function unresolvedDependencies(asarPath: string, entries: string[]): string[] {
  const set = new Set(entries);
  const missing: string[] = [];
  for (const entry of entries) {
    if (!/(^|\/)node_modules\/(@[^/]+\/)?[^/@]+\/package\.json$/.test(entry)) continue;
    const pkgDir = path.posix.dirname(entry);
    let manifest: {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    try {
      manifest = JSON.parse(extractFile(asarPath, entry).toString()) as typeof manifest;
    } catch {
      continue; // a package.json used as data inside a package, not a manifest
    }
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      if (manifest.optionalDependencies?.[dep] !== undefined) continue;
      if (!resolvesIn(set, pkgDir, dep)) missing.push(`${pkgDir} needs ${dep}`);
    }
  }
  return missing;
}
