// The in-process devnet's admin API as the headless pause tests read it: the node as the network
// sees it (GET /v1/admin/nodes/:id), waiting until that view shows something, and queueing jobs.
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';

/** The devnet's admin API (the `started` report's devnetAdmin). */
export interface DevnetAdmin {
  url: string;
  token: string;
}

/** What the network knows of one node; `V` names the fields a test reads. */
export interface NetworkOfNode<V> {
  view(): Promise<V>;
  /** Polls the view every 200 ms until `ok`; throws with the last view after `timeoutMs`. */
  until(what: string, ok: (v: V) => boolean, timeoutMs?: number): Promise<V>;
  /** Queues `count` jobs on the network (expects the devnet to take them). */
  submit(count: number): Promise<void>;
}

/** `admin` and `nodeId` are read on each call: tests set them in beforeAll. */
export function networkOfNode<V>(admin: () => DevnetAdmin, nodeId: () => string): NetworkOfNode<V> {
  const view = async (): Promise<V> => {
    const res = await fetch(`${admin().url}/v1/admin/nodes/${nodeId()}`, {
      headers: { authorization: `Bearer ${admin().token}` },
    });
    return res.json() as never;
  };
  return {
    view,
    async until(what, ok, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      let v = await view();
      while (!ok(v)) {
        if (Date.now() > end)
          throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
        await sleep(200);
        v = await view();
      }
      return v;
    },
    async submit(count) {
      const res = await fetch(`${admin().url}/v1/admin/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin().token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ count, max_tokens: 8 }),
      });
      expect(res.status).toBe(200);
    },
  };
}
