import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, waitUntil } from '../../helpers/processes.js';
import type { Stack } from '../../bench/stack/stack.js';
import { logsMatching, startFaultStack } from './fault-stack.js';

let stack: Stack;
let catcher: http.Server;
let caught = 0;
let catcherUrl = '';

beforeAll(async () => {
  stack = await startFaultStack('http');
  // Where a followed redirect would take the node's signed requests.
  catcher = http.createServer((req, res) => {
    caught += 1;
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((r) => catcher.listen(0, '127.0.0.1', r));
  catcherUrl = `http://127.0.0.1:${(catcher.address() as AddressInfo).port}`;
}, 90_000);

afterAll(async () => {
  catcher?.closeAllConnections();
  await new Promise((r) => catcher?.close(r));
  await stack?.close();
});

/** Resident memory of the node's process, from /proc (Linux). */
function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return line ? Number(line[1]) * 1024 : 0;
}

describe('hostile HTTP answers', () => {
  it('never follows a redirect: the signed requests never reach the other host', async () => {
    const before = logsMatching(stack.agent.lines, /a redirect/).length;
    await stack.admin.setFaults({ http_redirect: { to: catcherUrl } });
    await waitUntil(
      () => logsMatching(stack.agent.lines, /answered HTTP 307, a redirect/).length > before,
      'the node to report the redirect',
      15_000,
    );
    await sleep(3000);
    expect(caught).toBe(0);
    await stack.admin.clearFaults();
    await stack.agent.waitForState('active', 20_000);
  }, 60_000);

  it('stops reading a 100 MB answer at the cap: memory does not grow with it', async () => {
    const pid = stack.agent.proc.pid;
    const base = rssBytes(pid);
    await stack.admin.setFaults({ huge_answers: { bytes: 100 * 1024 * 1024 } });
    let peak = base;
    await waitUntil(
      () => {
        peak = Math.max(peak, rssBytes(pid));
        return (
          logsMatching(stack.agent.lines, /larger than the 64 KiB this request allows/).length > 0
        );
      },
      'the node to refuse the oversized answer',
      15_000,
      50,
    );
    for (let i = 0; i < 40; i++) {
      peak = Math.max(peak, rssBytes(pid));
      await sleep(50);
    }
    const grew = peak - base;
    console.log(`100 MB answers: node RSS grew by ${(grew / 1024 / 1024).toFixed(1)} MiB at most`);
    expect(grew).toBeLessThan(64 * 1024 * 1024);
    expect(stack.agent.proc.alive).toBe(true);
    await stack.admin.clearFaults();
    await stack.agent.waitForState('active', 20_000);
  }, 60_000);
});
