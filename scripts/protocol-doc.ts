/**
 * Generates the "Message reference" part of docs/PROTOCOL.md from the zod schemas in
 * src-main/core/protocol (zod 4's JSON Schema export), so the document cannot drift from the
 * code: `npm run docs:protocol` rewrites it, tests/unit/protocol/protocol-doc.test.ts fails when
 * the two differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';
import { Envelope } from '../src-main/core/protocol/envelope.js';
import { WireError } from '../src-main/core/protocol/schemas/common.js';
import { OwnerBindingBody, OwnerStatus } from '../src-main/core/protocol/schemas/account.js';
import {
  ConfigDigestResponse,
  HeartbeatBody,
  HeartbeatResponse,
  LogBatchBody,
  LogBatchResponse,
  RegisterBody,
  RegisterResponse,
  TimeResponse,
} from '../src-main/core/protocol/schemas/http.js';
import { ConfigSnapshot, SignedSnapshot } from '../src-main/core/protocol/schemas/snapshot.js';
import { Job, NetworkMessage, NodeMessageBodies } from '../src-main/core/protocol/schemas/ws.js';

export const DOC_PATH = fileURLToPath(new URL('../docs/PROTOCOL.md', import.meta.url));
const BEGIN = '<!-- generated:schemas:begin (npm run docs:protocol; do not edit by hand) -->';
const END = '<!-- generated:schemas:end -->';

type Json = Record<string, unknown>;
interface Row {
  field: string;
  type: string;
  required: boolean;
  rules: string[];
  note: string;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function jsonSchema(schema: z.ZodType): Json {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
}

function code(s: string): string {
  return `\`${s.replace(/\|/g, '\\|')}\``;
}

/** anyOf / oneOf flattened into their alternatives (nested unions included). */
function alternatives(s: Json): Json[] | null {
  const list = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (!list) return null;
  return list.flatMap((v) => alternatives(v) ?? [v]);
}

function tagOf(s: Json): [string, unknown] | null {
  const props = (s.properties ?? {}) as Record<string, Json>;
  const tag = Object.entries(props).find(([, p]) => p.const !== undefined);
  return tag ? [tag[0], tag[1].const] : null;
}

function typeName(s: Json): string {
  if (s.const !== undefined) return `${code(JSON.stringify(s.const))}`;
  if (Array.isArray(s.enum)) return s.enum.map((e) => code(JSON.stringify(e))).join(' \\| ');
  const alts = alternatives(s);
  if (alts) return alts.map(typeName).join(' or ');
  if (s.type === 'array') return `array of ${typeName((s.items as Json) ?? {})}`;
  if (s.type === 'object') {
    const tag = tagOf(s);
    if (tag) return `object (${tag[0]} ${code(JSON.stringify(tag[1]))})`;
    return s.properties ? 'object' : 'object (any keys)';
  }
  if (typeof s.type === 'string') return s.type;
  return 'any JSON';
}

function rulesOf(s: Json): string[] {
  const alts = alternatives(s);
  if (alts) {
    const concrete = alts.filter((a) => a.type !== 'null');
    return concrete.length === 1 ? rulesOf(concrete[0]!) : [];
  }
  const r: string[] = [];
  if (typeof s.minLength === 'number' || typeof s.maxLength === 'number') {
    r.push(`length ${s.minLength ?? 0}–${s.maxLength ?? '∞'}`);
  }
  if (typeof s.pattern === 'string') r.push(`matches ${code(s.pattern)}`);
  if (typeof s.format === 'string') r.push(`format ${s.format}`);
  const min =
    typeof s.exclusiveMinimum === 'number'
      ? `> ${s.exclusiveMinimum}`
      : typeof s.minimum === 'number'
        ? `≥ ${s.minimum}`
        : null;
  const max = typeof s.maximum === 'number' && s.maximum < MAX_SAFE ? `≤ ${s.maximum}` : null;
  if (min || max) r.push([min, max].filter(Boolean).join(', '));
  if (typeof s.minItems === 'number' || typeof s.maxItems === 'number') {
    r.push(`${s.minItems ?? 0}–${s.maxItems ?? '∞'} items`);
  }
  return r;
}

function describe(s: Json): string {
  if (typeof s.description === 'string') return s.description;
  const alts = alternatives(s);
  const inner = alts?.find((a) => typeof a.description === 'string');
  return typeof inner?.description === 'string' ? inner.description : '';
}

function rows(s: Json, path: string, required: boolean, out: Row[]): void {
  if (path) {
    out.push({ field: path, type: typeName(s), required, rules: rulesOf(s), note: describe(s) });
  }
  const alts = alternatives(s);
  const objects = (alts ?? [s]).filter((v) => v.type === 'object' && v.properties);
  for (const v of objects) {
    const tag = objects.length > 1 ? tagOf(v) : null;
    rowsOfObject(v, tag ? `${path} (${tag[0]} ${JSON.stringify(tag[1])})` : path, out);
  }
  for (const v of alts ?? [s]) {
    const items = v.items as Json | undefined;
    if (v.type === 'array' && items?.type === 'object') rowsOfObject(items, `${path}[]`, out);
  }
}

function rowsOfObject(s: Json, path: string, out: Row[]): void {
  const props = (s.properties ?? {}) as Record<string, Json>;
  const req = new Set((s.required ?? []) as string[]);
  for (const [name, p] of Object.entries(props)) {
    rows(p, path ? `${path}.${name}` : name, req.has(name), out);
  }
}

function table(schema: z.ZodType): string {
  const out: Row[] = [];
  rows(jsonSchema(schema), '', true, out);
  const lines = [
    '| field | type | required | constraints | meaning |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const r of out) {
    lines.push(
      `| ${code(r.field)} | ${r.type} | ${r.required ? 'yes' : 'no'} | ${r.rules.join('; ')} | ${r.note.replace(/\|/g, '\\|')} |`,
    );
  }
  return lines.join('\n');
}

type Entry = [name: string, schema: z.ZodType, anchor: string];

function networkFrames(): Entry[] {
  return NetworkMessage.options.map((o) => {
    const type = String((o.shape.type as z.ZodLiteral).value);
    return [`${type} (network → node frame)`, o as z.ZodType, `frame-${type}`];
  });
}

function nodeBodies(): Entry[] {
  return Object.entries(NodeMessageBodies).map(([type, s]) => [
    `${type} (node → network envelope body)`,
    s as z.ZodType,
    `body-${type}`,
  ]);
}

const SECTIONS: [title: string, entries: () => Entry[]][] = [
  [
    'Envelope and errors',
    () => [
      ['Envelope (every node-originated message)', Envelope, 'schema-envelope'],
      ['HTTP error body', WireError, 'schema-wire-error'],
    ],
  ],
  [
    'HTTP bodies',
    () => [
      ['register (envelope body)', RegisterBody, 'body-register'],
      ['RegisterResponse', RegisterResponse, 'schema-register-response'],
      ['heartbeat (envelope body)', HeartbeatBody, 'body-heartbeat'],
      ['HeartbeatResponse', HeartbeatResponse, 'schema-heartbeat-response'],
      ['owner_binding (envelope body)', OwnerBindingBody, 'body-owner-binding'],
      ['OwnerStatus', OwnerStatus, 'schema-owner-status'],
      ['log_batch (envelope body)', LogBatchBody, 'body-log-batch'],
      ['LogBatchResponse', LogBatchResponse, 'schema-log-batch-response'],
      ['ConfigDigestResponse', ConfigDigestResponse, 'schema-config-digest-response'],
      ['TimeResponse', TimeResponse, 'schema-time-response'],
    ],
  ],
  [
    'Configuration snapshot',
    () => [
      ['SignedSnapshot', SignedSnapshot, 'schema-signed-snapshot'],
      ['ConfigSnapshot', ConfigSnapshot, 'schema-config-snapshot'],
    ],
  ],
  ['Network → node frames', () => [['Job', Job, 'schema-job'], ...networkFrames()]],
  ['Node → network envelope bodies', nodeBodies],
];

/** The generated reference, without the markers. */
export function renderSchemaReference(): string {
  const parts: string[] = [];
  for (const [title, entries] of SECTIONS) {
    parts.push(`### ${title}`);
    for (const [name, schema, anchor] of entries()) {
      parts.push(`<a id="${anchor}"></a>\n\n#### ${name}\n\n${table(schema)}`);
    }
  }
  return parts.join('\n\n');
}

/** The document with its generated part replaced and formatted as `prettier --write` would. */
export async function regenerate(doc: string): Promise<string> {
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (begin < 0 || end < begin)
    throw new Error(`docs/PROTOCOL.md lacks the ${BEGIN} … ${END} markers`);
  const next = `${doc.slice(0, begin)}${BEGIN}\n\n${renderSchemaReference()}\n\n${doc.slice(end)}`;
  const options = (await resolveConfig(DOC_PATH)) ?? {};
  return format(next, { ...options, parser: 'markdown', filepath: DOC_PATH });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const doc = readFileSync(DOC_PATH, 'utf8');
  const next = await regenerate(doc);
  if (next !== doc) writeFileSync(DOC_PATH, next);
  console.log(next === doc ? 'docs/PROTOCOL.md is up to date.' : 'docs/PROTOCOL.md regenerated.');
}
