import { describe, expect, it } from 'vitest';
import {
  containerUser,
  NOBODY,
} from '../../../src-main/core/runtime/docker/container-confinement.js';
import {
  ImageAllowList,
  ImageNotAllowedError,
  parseExtraRuntimeImages,
} from '../../../src-main/core/runtime/docker/image-allow-list.js';

describe('runtime image allow-list', () => {
  it("allows only vLLM's Docker Hub repository by default, in any of Docker's spellings", () => {
    const list = new ImageAllowList();
    expect(list.repositories()).toEqual(['vllm/vllm-openai']);
    for (const r of [
      'vllm/vllm-openai',
      'docker.io/vllm/vllm-openai',
      'index.docker.io/vllm/vllm-openai',
      'registry-1.docker.io/vllm/vllm-openai',
    ])
      expect(list.allows(r)).toBe(true);
    for (const r of [
      'ghcr.io/vllm/vllm-openai',
      'evil.example/vllm/vllm-openai',
      'localhost/vllm/vllm-openai',
      'vllm/vllm-openai-evil',
      'vllm/vllm-openai:latest',
      'vllm',
      'library/vllm-openai',
    ])
      expect(list.allows(r)).toBe(false);
  });

  it('refuses another repository with what happened and how the operator can allow it', () => {
    const list = new ImageAllowList();
    expect(() => list.check('ghcr.io/x/y')).toThrow(ImageNotAllowedError);
    expect(() => list.check('ghcr.io/x/y')).toThrow(
      /ghcr\.io\/x\/y, which this node does not run \(allowed: vllm\/vllm-openai\)\. Nothing was downloaded\..*RESULTITY_EXTRA_RUNTIME_IMAGES or --allow-runtime-image/,
    );
    expect(() => list.check('docker.io/vllm/vllm-openai')).not.toThrow();
  });

  it('is extended only by the operator list, normalised', () => {
    const extra = parseExtraRuntimeImages([
      '127.0.0.1:5000/team/vllm, docker.io/library/myimg',
      ' registry.example.com/a/b ',
    ]);
    expect(extra).toEqual(['127.0.0.1:5000/team/vllm', 'myimg', 'registry.example.com/a/b']);
    const list = new ImageAllowList(extra);
    expect(list.allows('127.0.0.1:5000/team/vllm')).toBe(true);
    expect(list.allows('127.0.0.1:5001/team/vllm')).toBe(false);
    expect(list.allows('vllm/vllm-openai')).toBe(true);
  });

  it('rejects malformed entries instead of dropping or widening them', () => {
    for (const bad of ['vllm/vllm-openai:v1', 'x@sha256:abc', '*', 'a//b', 'http://r/x'])
      expect(() => parseExtraRuntimeImages([bad])).toThrow(/is not an image repository/);
    expect(parseExtraRuntimeImages(['', ' , '])).toEqual([]);
  });
});

describe('container user', () => {
  it("is the node's own user, never root", () => {
    expect(containerUser({ getuid: () => 1000, getgid: () => 1000 })).toEqual({
      uid: 1000,
      gid: 1000,
    });
    expect(containerUser({ getuid: () => 0, getgid: () => 0 })).toEqual(NOBODY);
    expect(containerUser({ getuid: () => 1001, getgid: () => 0 })).toEqual({
      uid: 1001,
      gid: NOBODY.gid,
    });
    expect(containerUser({})).toEqual(NOBODY); // Windows: no uids
  });
});
