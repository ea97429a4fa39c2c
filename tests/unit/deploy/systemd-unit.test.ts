// deploy/systemd/resultity-node.service: checked by systemd's own verifier where it is
// installed, and always for what the node relies on (credential name, restart, journal, a
// Docker socket the hardening leaves reachable, flags the CLI accepts).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { KEY_PASSPHRASE_CREDENTIAL } from '../../../src-main/core/identity/index.js';
import { parseOptions } from '../../../src-main/headless/options.js';

const run = promisify(execFile);
const UNIT = path.resolve('deploy/systemd/resultity-node.service');
const text = await readFile(UNIT, 'utf8');

/** `[Section]` → key → values (a key may repeat), comments and blank lines skipped. */
function parseUnit(source: string): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  let section = '';
  for (const raw of source.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[(\w+)\]$/.exec(line);
    if (head) {
      section = head[1]!;
      out[section] = {};
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 1 || !section) throw new Error(`not a unit line: ${line}`);
    (out[section]![line.slice(0, eq)] ??= []).push(line.slice(eq + 1));
  }
  return out;
}

const unit = parseUnit(text);
const service = unit.Service!;
const one = (key: string) => service[key]?.at(-1);

describe('the systemd unit', () => {
  it('passes the key passphrase as the credential the node reads, never in the environment', () => {
    expect(service.LoadCredential).toEqual([
      `${KEY_PASSPHRASE_CREDENTIAL}:/etc/resultity-node/key-passphrase`,
    ]);
    expect(text).not.toMatch(/RESULTITY_KEY_PASSPHRASE=/);
  });

  it('restarts on failure, logs to the journal and gives a drain time before SIGKILL', () => {
    expect(one('Restart')).toBe('on-failure');
    expect(one('StandardOutput')).toBe('journal');
    expect(one('StandardError')).toBe('journal');
    expect(Number.parseInt(one('TimeoutStopSec') ?? '0', 10)).toBeGreaterThanOrEqual(60);
    expect(unit.Install?.WantedBy).toEqual(['multi-user.target']);
  });

  it('hardens the service without cutting it off from Docker or the GPU', () => {
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('SupplementaryGroups')).toBe('docker');
    expect(one('RestrictAddressFamilies')?.split(' ')).toContain('AF_UNIX');
    // /dev/nvidia* (nvidia-smi) and the V8 JIT.
    expect(service.PrivateDevices).toBeUndefined();
    expect(service.MemoryDenyWriteExecute).toBeUndefined();
    expect(service.InaccessiblePaths).toBeUndefined();
  });

  it('starts the installed launcher with flags the CLI accepts', async () => {
    const [bin, ...args] = one('ExecStart')!.split(' ');
    expect(bin).toBe('/opt/resultity-node/bin/resultity-node');
    const argv = args.map((a) => a.replace('${STATE_DIRECTORY}', '/var/lib/resultity-node'));
    expect(await parseOptions(argv, {})).toMatchObject({
      profile: 'testnet',
      runtime: 'docker',
      dataDir: '/var/lib/resultity-node',
    });
  });

  const analyze = '/usr/bin/systemd-analyze';
  it.skipIf(!existsSync(analyze))('is clean for systemd-analyze verify', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rn-unit-'));
    try {
      // verify also checks that ExecStart's program exists: point it at one that does.
      const copy = path.join(dir, 'resultity-node.service');
      await writeFile(copy, text.replace('/opt/resultity-node/bin/resultity-node', '/bin/sh'));
      const { stderr } = await run(analyze, ['verify', copy]);
      // Unknown keys and bad values are warnings on stderr, not a failing exit code.
      expect(stderr.split('\n').filter((l) => l.includes('resultity-node'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
