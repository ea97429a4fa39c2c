// @ts-check
/**
 * `local/layers`: each source folder imports only from the folders its row of the layer table
 * allows (after VS Code's `.eslint-plugin-local/code-layering.ts`). The table itself lives in
 * eslint.config.js; docs/ARCHITECTURE.md explains it. Files in no row (tests, scripts, build
 * config) are not checked.
 *
 * Each row: `folder` (repo-relative), `allow` (repo-relative folders or files, the row's own
 * folder included), optional `typeOnly` (may be imported with `import type` only),
 * `dynamicOnly` (may be loaded only with `import()`, or with `import type`), and `packages`:
 * 'any' (npm and node builtins), 'browser' (npm, no node builtins) or 'none'.
 */
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';

/**
 * @typedef {{ folder: string, allow: string[], typeOnly?: string[], dynamicOnly?: string[],
 *   packages: 'any' | 'browser' | 'none', says: string }} LayerRow
 * @typedef {{ root: string, layers: LayerRow[] }} LayerOptions
 */

const SOURCE_EXT = /\.(?:[cm]?[jt]sx?|json)$/;

/** Repo-relative, forward slashes, without a source extension (`./x.js` names `x.ts`). */
function normalise(/** @type {string} */ path) {
  return path.split(sep).join('/').replace(SOURCE_EXT, '');
}

function within(/** @type {string} */ path, /** @type {string} */ entry) {
  const e = normalise(entry);
  return path === e || path.startsWith(`${e}/`);
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function isBuiltin(/** @type {string} */ spec) {
  return spec.startsWith('node:') || BUILTINS.has(spec.split('/')[0] ?? spec);
}

/**
 * How an import loads its module: 'type' (erased at build), 'dynamic' (`import()`) or 'static'.
 * @param {any} node
 * @returns {'type' | 'dynamic' | 'static'}
 */
function importKind(node) {
  if (node.type === 'ImportExpression') return 'dynamic';
  if (node.type === 'TSImportType') return 'type';
  if (node.importKind === 'type' || node.exportKind === 'type') return 'type';
  const specifiers = node.specifiers ?? [];
  const allTypes =
    specifiers.length > 0 &&
    specifiers.every((/** @type {any} */ s) => s.importKind === 'type' || s.exportKind === 'type');
  return allTypes ? 'type' : 'static';
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Each folder imports only what its row of the layer table allows.' },
    schema: [{ type: 'object', additionalProperties: true }],
    messages: {
      folder: "{{from}} may not import '{{spec}}' ({{target}}): {{says}}",
      typeOnly: "{{from}} may import '{{spec}}' only with `import type`: {{says}}",
      dynamicOnly: "{{from}} may load '{{spec}}' only with `await import()`: {{says}}",
      packages: "{{from}} may not import the package '{{spec}}': {{says}}",
    },
  },
  create(context) {
    const options = /** @type {LayerOptions} */ (context.options[0]);
    const file = normalise(relative(options.root, context.filename));
    const row = options.layers.find((l) => within(file, l.folder));
    if (!row) return {};

    /** @param {any} node */
    const check = (node) => {
      const source =
        node.type === 'TSImportType'
          ? // typescript-eslint 8 names it `source`; older versions wrap it in `argument`.
            (node.source ?? node.argument?.literal)
          : node.source;
      const spec = source?.type === 'Literal' ? source.value : undefined;
      if (typeof spec !== 'string') return;
      const kind = importKind(node);
      const data = { from: row.folder, spec, says: row.says };

      if (!spec.startsWith('.') && !spec.startsWith('/')) {
        if (kind === 'type' && row.packages !== 'none') return;
        const refused = row.packages === 'none' || (row.packages === 'browser' && isBuiltin(spec));
        if (refused) context.report({ node, messageId: 'packages', data });
        return;
      }

      const target = normalise(relative(options.root, resolve(dirname(context.filename), spec)));
      const report = (/** @type {string} */ messageId) =>
        context.report({ node, messageId, data: { ...data, target } });
      if (row.allow.some((a) => within(target, a))) return;
      if (row.typeOnly?.some((a) => within(target, a))) {
        if (kind !== 'type') report('typeOnly');
        return;
      }
      if (row.dynamicOnly?.some((a) => within(target, a))) {
        if (kind === 'static') report('dynamicOnly');
        return;
      }
      report('folder');
    };

    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
      TSImportType: check,
    };
  },
};

export default { rules: { layers: rule } };
