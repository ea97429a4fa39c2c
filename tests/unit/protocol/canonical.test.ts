import { describe, expect, it } from 'vitest';
import { canonicalDigest, canonicalJson } from '../../../src-main/core/protocol/canonical.js';

// Vectors from RFC 8785 (sections 3.2.2, 3.2.3 and appendix B).
describe('canonical JSON (RFC 8785)', () => {
  it('serialises numbers the ECMAScript way', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001]}',
    );
    expect(canonicalJson(input)).toBe('{"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27]}');
  });

  it('sorts keys by UTF-16 code units, recursively', () => {
    const input = JSON.parse(
      '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}',
    );
    // Read the keys off the text: JS objects would put the integer-like "1" first.
    const keys = [...canonicalJson(input).matchAll(/"([^"]*)":"[^"]*"/g)].map((m) =>
      JSON.parse(`"${m[1]}"`),
    );
    expect(keys).toEqual(['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33']);
    expect(canonicalJson([56, { d: true, '10': null, '1': [] }])).toBe(
      '[56,{"1":[],"10":null,"d":true}]',
    );
  });

  it('escapes strings minimally', () => {
    expect(canonicalJson({ s: '\u20ac$\u000f\nA\'B"\\\\"/' })).toBe(
      '{"s":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('gives the same digest whatever the key order', () => {
    expect(canonicalDigest({ a: 1, b: { c: 2, d: [1, 2] } })).toBe(
      canonicalDigest({ b: { d: [1, 2], c: 2 }, a: 1 }),
    );
    expect(canonicalDigest({ a: 1 })).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('refuses values JSON cannot represent', () => {
    expect(() => canonicalJson(undefined)).toThrow(/cannot be represented/);
  });
});
