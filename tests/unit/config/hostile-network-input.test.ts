import { describe, expect, it } from 'vitest';
import {
  PUBLIC_PROFILES,
  localProfile,
  wsUrlFor,
} from '../../../src-main/core/config/network-profiles.js';
import { parseOrThrow } from '../../../src-main/core/protocol/parse.js';
import { RegisterResponse } from '../../../src-main/core/protocol/schemas/http.js';
import { ApprovedModel } from '../../../src-main/core/protocol/schemas/snapshot.js';
import { repoFolder, snapshotFile } from '../../../src-main/core/runtime/models/hf-layout.js';

const profile = localProfile('http://127.0.0.1:4000', '0x' + '1'.repeat(40));

describe('network input that would lead the node elsewhere', () => {
  it('reaches public networks over TLS only (wss:// job link)', () => {
    const testnet = PUBLIC_PROFILES.testnet;
    expect(wsUrlFor(testnet, '/v1/ws')).toBe('wss://io.testnet.resultity.com/v1/ws');
    expect(() => wsUrlFor({ ...testnet, ioUrl: 'http://io.example' }, '/v1/ws')).toThrow(
      /not wss:\/\//,
    );
    expect(() => wsUrlFor({ ...testnet, wsUrl: 'ws://io.example/v1/ws' }, '/v1/ws')).toThrow(
      /only reached over TLS/,
    );
  });

  it('keeps the job connection on the IO service host', () => {
    expect(wsUrlFor(profile, '/v1/ws')).toBe('ws://127.0.0.1:4000/v1/ws');
    expect(() => wsUrlFor(profile, '//evil.example/x')).toThrow(/another host/);
    const response = {
      node_id: '0x' + '1'.repeat(40),
      status: 'active',
      snapshot: {},
      server_time: 1,
    };
    expect(() =>
      parseOrThrow(RegisterResponse, { ...response, ws_path: '//evil.example/x' }, 'r'),
    ).toThrow(/ws_path/);
    expect(() =>
      parseOrThrow(RegisterResponse, { ...response, ws_path: '/\\evil.example' }, 'r'),
    ).toThrow(/ws_path/);
    expect(parseOrThrow(RegisterResponse, { ...response, ws_path: '/v1/ws' }, 'r').ws_path).toBe(
      '/v1/ws',
    );
  });

  it('accepts only Hugging Face repo ids as model names, and keeps model folders in the cache', () => {
    const model = { served_name: 's', revision: 'r1', files: [], max_model_len: 1, min_vram_mb: 0 };
    expect(() =>
      parseOrThrow(ApprovedModel, { ...model, name: 'Qwen/Qwen2.5-0.5B-Instruct' }, 'm'),
    ).not.toThrow();
    for (const name of ['a\\..\\..\\x', '../x', 'org/..', 'no-slash', '/abs/x', 'org/na me']) {
      expect(() => parseOrThrow(ApprovedModel, { ...model, name }, 'm'), name).toThrow(/name/);
    }
    // On POSIX a '/' becomes '--', so only the schema above matters; the folder guard is for '\\' on Windows.
    expect(repoFolder('/cache', 'org/m')).toBe('/cache/hub/models--org--m');
    expect(() => snapshotFile('/cache', 'org/m', 'r1', '../../x')).toThrow(
      /outside the model folder/,
    );
  });
});
