import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnet, type Devnet } from '../../../src-main/devnet/index.js';
import { activeNode } from './node-client.js';

describe('devnet smoke', () => {
  let devnet: Devnet;
  beforeAll(async () => {
    devnet = await startDevnet();
  });
  afterAll(async () => {
    await devnet.close();
  });

  it('registers a node, passes its test, runs jobs and counts them', async () => {
    const { session } = await activeNode(devnet.url, devnet.wsUrl);
    session.autoServe();
    const ids = devnet.submitJobs(20);
    expect(ids).toHaveLength(20);
    await expect.poll(() => devnet.stats().jobs_completed, { timeout: 5000 }).toBe(20);
    const s = devnet.stats();
    expect(s.jobs_submitted).toBe(20);
    expect(s.active_nodes).toBe(1);
    session.close();
  });
});
