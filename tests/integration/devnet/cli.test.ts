import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';

describe('npm run devnet (CLI)', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGTERM');
  });

  it('starts the IO service and a simulated runtime and prints what an operator needs', async () => {
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src-main/devnet/cli.ts',
        '--port',
        '0',
        '--admin-token',
        'cli-token',
        '--with-runtime',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Press Ctrl+C')) resolve();
      });
      child!.on('exit', (code) => reject(new Error(`devnet exited with ${code}: ${out}`)));
    });
    const url = /network endpoint\s+(\S+)/.exec(out)?.[1];
    const runtime = /sim runtime\s+(\S+)/.exec(out)?.[1];
    expect(out).toMatch(/network signer\s+0x[0-9a-fA-F]{40}/);
    expect(out).toContain('cli-token');
    const stats = await fetch(`${url}/v1/admin/stats`, {
      headers: { authorization: 'Bearer cli-token' },
    });
    expect(stats.status).toBe(200);
    const models = await fetch(`${runtime!.replace(/\/v1$/, '')}/health`);
    expect([200, 503]).toContain(models.status);
  });

  it('refuses unknown flags with the usage text', async () => {
    const bad = spawn(
      process.execPath,
      ['--import', 'tsx', 'src-main/devnet/cli.ts', '--no-such-flag'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    bad.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => bad.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toMatch(/Usage: npm run devnet/);
  });
});
