import { describe, expect, it } from 'vitest';
import type { NodeBridge, PreloadBridge } from '../../../src-main/contract/index.js';
import { BridgeError } from '../../../src-main/contract/errors.js';
import {
  TOKEN_STORAGE_KEY,
  selectTransport,
  tokenFromHash,
  type TransportEnv,
} from '../../../src-renderer/src/bridge/select-transport.js';
import { backoffDelay } from '../../../src-renderer/src/lib/backoff.js';

function env(over: Partial<TransportEnv> & { hash?: string } = {}) {
  const store = new Map<string, string>();
  const replaced: string[] = [];
  const e: TransportEnv = {
    bridgeGlobal: undefined,
    location: {
      protocol: 'http:',
      host: '127.0.0.1:4321',
      pathname: '/',
      search: '',
      hash: over.hash ?? '',
    },
    replaceUrl: (u) => replaced.push(u),
    storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) },
    ...over,
  };
  return { e, store, replaced };
}

const noop: NodeBridge = { invoke: async () => undefined as never, on: () => () => undefined };

describe('selectTransport', () => {
  it('uses the Electron preload bridge when the global is there', () => {
    const { e } = env({ bridgeGlobal: noop });
    const t = selectTransport(e);
    expect(t.kind).toBe('preload');
  });

  it('rebuilds errors with name and code through invokeReply when the preload offers it', async () => {
    const raw: PreloadBridge = {
      ...noop,
      invoke: async () => {
        throw new Error('message only');
      },
      invokeReply: async () => ({
        error: { name: 'DockerError', message: 'Docker is not running.', code: 'ECONNREFUSED' },
      }),
    };
    const t = selectTransport(env({ bridgeGlobal: raw }).e);
    if (t.kind !== 'preload') throw new Error('expected preload');
    const err = await t.bridge.invoke('checkSetup', undefined).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(BridgeError);
    expect(err).toMatchObject({
      name: 'DockerError',
      code: 'ECONNREFUSED',
      message: 'Docker is not running.',
    });
  });

  it('falls back to the WebSocket on the same host, takes the token and strips it from the URL', () => {
    const { e, store, replaced } = env({ hash: '#token=abc123' });
    const t = selectTransport(e);
    expect(t).toEqual({ kind: 'websocket', url: 'ws://127.0.0.1:4321/bridge', token: 'abc123' });
    expect(replaced).toEqual(['/#/overview']);
    expect(store.get(TOKEN_STORAGE_KEY)).toBe('abc123');
  });

  it('reuses the token kept for this tab after a reload, and uses wss on https', () => {
    const { e, store, replaced } = env({ hash: '#/logs' });
    store.set(TOKEN_STORAGE_KEY, 'kept');
    e.location.protocol = 'https:';
    expect(selectTransport(e)).toEqual({
      kind: 'websocket',
      url: 'wss://127.0.0.1:4321/bridge',
      token: 'kept',
    });
    expect(replaced).toEqual([]);
  });

  it('reports no token when there is none (the page then explains where to find the link)', () => {
    const { e } = env({ storage: null });
    expect(selectTransport(e)).toMatchObject({ kind: 'websocket', token: null });
  });

  it('ignores a global that is not a bridge', () => {
    expect(selectTransport(env({ bridgeGlobal: { invoke: 1 }, hash: '#token=t' }).e).kind).toBe(
      'websocket',
    );
  });

  it('reads the token among other fragment parameters', () => {
    expect(tokenFromHash('#token=a%2Bb&x=1')).toBe('a+b');
    expect(tokenFromHash('#/overview')).toBeNull();
    expect(tokenFromHash('#token=')).toBeNull();
  });
});

describe('backoffDelay', () => {
  it('doubles from half a second and stays under the cap, with ±20% jitter', () => {
    expect(backoffDelay(0, () => 0.5)).toBe(500);
    expect(backoffDelay(1, () => 0.5)).toBe(1000);
    expect(backoffDelay(3, () => 0.5)).toBe(4000);
    expect(backoffDelay(30, () => 0.5)).toBe(10_000);
    expect(backoffDelay(2, () => 0)).toBe(1600);
    expect(backoffDelay(2, () => 1)).toBe(2400);
  });
});
