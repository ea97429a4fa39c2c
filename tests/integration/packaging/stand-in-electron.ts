import { spawn } from 'node:child_process';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * An unpacked "Electron distribution" with what electron-builder's electronDist handling copies
 * for Linux (app-builder-lib/out/electron/ElectronFramework.js: a directory without the
 * electron-vVERSION-linux-x64.zip is copied as is, then `electron` is renamed to the executable
 * name and the licence files are kept). The executable is a shell script; with `fuseWire` it
 * ends with a fuse wire laid out as in a real Electron binary (sentinel, version 1, length,
 * one '0'/'1' byte per fuse), so the afterPack step flips and reads back real fuse bytes.
 */
export async function makeStandInElectron(
  dir: string,
  opts: { fuseWire?: string } = {},
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const exe = path.join(dir, 'electron');
  const script = Buffer.from(
    '#!/bin/sh\necho "stand-in Electron: not a real binary" >&2\nexit 1\n',
  );
  const wire = opts.fuseWire
    ? Buffer.concat([
        Buffer.from(FUSE_SENTINEL),
        Buffer.from([1, opts.fuseWire.length]),
        Buffer.from(opts.fuseWire),
      ])
    : Buffer.alloc(0);
  await writeFile(exe, Buffer.concat([script, wire]));
  await chmod(exe, 0o755);
  await writeFile(path.join(dir, 'LICENSE'), 'Stand-in for the Electron licence.\n');
  await writeFile(
    path.join(dir, 'LICENSES.chromium.html'),
    '<!doctype html><title>stand-in</title>\n',
  );
  return dir;
}

/** @electron/fuses finds the wire after this string. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/**
 * Electron's shipped fuse defaults, in wire order: RunAsNode, CookieEncryption, NodeOptions,
 * CliInspect, AsarIntegrity, OnlyLoadAppFromAsar, V8Snapshot, GrantFileProtocol, WasmTrap.
 */
export const SHIPPED_FUSE_WIRE = '101100011';

export interface RunResult {
  code: number | null;
  output: string;
  ms: number;
}

/** Runs a command to completion, stdout and stderr merged. */
export function run(
  command: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - started });
    });
  });
}
