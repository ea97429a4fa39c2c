import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC_PATH, regenerate, renderSchemaReference } from '../../../scripts/protocol-doc.js';
import { ConfigSnapshot } from '../../../src-main/core/protocol/schemas/snapshot.js';

describe('docs/PROTOCOL.md message reference', () => {
  it('matches the zod schemas (run `npm run docs:protocol` after changing a schema)', async () => {
    const doc = readFileSync(DOC_PATH, 'utf8');
    expect(await regenerate(doc)).toBe(doc);
  });

  it('lists every field of the snapshot with its constraints', () => {
    const reference = renderSchemaReference();
    const fields = Object.keys(ConfigSnapshot.shape);
    for (const f of fields) expect(reference).toContain(`| \`${f}\``);
    expect(reference).toContain('`ttl.clock_skew_ms`');
    expect(reference).toContain('`models[].files[].sha256`');
    expect(reference).toMatch(/`models\[\]\.revision`.*length 1–100/);
  });
});
