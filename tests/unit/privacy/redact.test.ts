// The one redaction module used by log uploads and diagnostics bundles, with planted values.
import { describe, expect, it } from 'vitest';
import { createRedactor, isUploadable, shortHash } from '../../../src-main/core/redact.js';

const HOME = '/home/alice';
const WALLET = '0x52908400098527886E0F7030069857D2E4169EE7';
const NODE_ID = '0x8617E340B3D01FA5F11F306F4090FD50E238070D';
const EMAIL = 'alice.owner+gpu@example.org';
const r = createRedactor({ homeDir: HOME, keep: [NODE_ID] });

describe('createRedactor', () => {
  it('turns the home folder into ~ (this user and other users, POSIX, macOS, Windows)', () => {
    expect(r.text(`data in ${HOME}/.local/share/resultity-node/testnet`)).toBe(
      'data in ~/.local/share/resultity-node/testnet',
    );
    expect(r.text(`cd ${HOME}`)).toBe('cd ~');
    expect(r.text('copied from /home/bob/models and /Users/carol/Library')).toBe(
      'copied from ~/models and ~/Library',
    );
    expect(r.text('C:\\Users\\Dave\\AppData\\Roaming\\x')).toBe('~\\AppData\\Roaming\\x');
    // A folder that only starts like the home folder is someone else's.
    expect(createRedactor({ homeDir: '/srv/al' }).text('/srv/alpha/x')).toBe('/srv/alpha/x');
  });

  it('hashes emails and wallets (same value, same hash; case does not matter), keeps listed ones', () => {
    const out = r.text(`owner ${EMAIL} bound wallet ${WALLET}; node ${NODE_ID}`);
    expect(out).toBe(
      `owner [email:${shortHash(EMAIL)}] bound wallet [wallet:${shortHash(WALLET)}]; node ${NODE_ID}`,
    );
    expect(out).not.toContain(EMAIL);
    expect(out).not.toContain(WALLET);
    expect(r.text(WALLET.toLowerCase())).toBe(`[wallet:${shortHash(WALLET)}]`);
    expect(shortHash(WALLET)).toMatch(/^[0-9a-f]{8}$/);
    // A transaction hash (64 hex digits) is not a wallet.
    const tx = `0x${'ab'.repeat(32)}`;
    expect(r.text(tx)).toBe(tx);
  });

  it('removes tokens: bearer headers, URL parameters and fragments, key=value, JWTs, provider tokens', () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    const samples = {
      bearer: 'Authorization: Bearer 3f9a0c2d1e8b7a6f5e4d3c2b1a09f8e7',
      fragment: 'dashboard: http://127.0.0.1:4312/#token=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA',
      query: 'GET /v1/x?api_key=sk_live_abcdefghijklmnop&x=1',
      kv: 'RESULTITY_KEY_PASSPHRASE set; passphrase=correct-horse-battery-staple',
      jwt: `session ${jwt}`,
      hf: 'pulling with hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123',
    };
    const out = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, r.text(v)]));
    expect(out).toEqual({
      bearer: 'Authorization: Bearer [token]',
      fragment: 'dashboard: http://127.0.0.1:4312/#token=[token]',
      query: 'GET /v1/x?api_key=[token]&x=1',
      kv: 'RESULTITY_KEY_PASSPHRASE set; passphrase=[token]',
      jwt: 'session [token]',
      hf: 'pulling with [token]',
    });
    // Short values after "token" are counts, not secrets.
    expect(r.text('max token: 512')).toBe('max token: 512');
  });

  it('removes IP addresses but keeps loopback and wildcard listeners', () => {
    expect(r.text('connected to 203.0.113.77:443 via 10.0.0.12.')).toBe(
      'connected to [ip]:443 via [ip].',
    );
    expect(r.text('peer 2001:db8::8a2e:370:7334 and fe80::1%eth0')).toBe('peer [ip] and [ip]');
    expect(r.text('listening on 127.0.0.1:8080, 0.0.0.0 and ::1')).toBe(
      'listening on 127.0.0.1:8080, 0.0.0.0 and ::1',
    );
    // Not addresses: a time of day, a version, a big number.
    expect(r.text('at 10:08:05 version 1.2.3 size 1234.5678.90')).toBe(
      'at 10:08:05 version 1.2.3 size 1234.5678.90',
    );
  });

  it('redacts deep values: strings everywhere, secret-named fields whatever they hold', () => {
    const input = {
      owner: { kind: 'email', email: EMAIL },
      settings: { dataDir: `${HOME}/.local/share/resultity-node`, maxConcurrentJobs: 2 },
      devnetAdmin: { url: 'http://127.0.0.1:1234', token: 'short' },
      list: [`${HOME}/a`, 3, null, true],
    };
    expect(r.value(input)).toEqual({
      owner: { kind: 'email', email: `[email:${shortHash(EMAIL)}]` },
      settings: { dataDir: '~/.local/share/resultity-node', maxConcurrentJobs: 2 },
      devnetAdmin: { url: 'http://127.0.0.1:1234', token: '[token]' },
      list: ['~/a', 3, null, true],
    });
    // The input is not changed.
    expect(input.owner.email).toBe(EMAIL);
  });

  it('uploads info and above only', () => {
    const at = (level: 'debug' | 'info' | 'warn' | 'error') => ({
      ts: 1,
      level,
      source: 's',
      message: 'm',
    });
    expect(['debug', 'info', 'warn', 'error'].filter((l) => isUploadable(at(l as 'info')))).toEqual(
      ['info', 'warn', 'error'],
    );
  });
});
