import path from 'node:path';

/** The file-system questions locating nvidia-smi needs; injected so every OS is testable anywhere. */
export interface LocateHost {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  isFile(p: string): Promise<boolean>;
  /** Entries of a folder; [] when it cannot be read. */
  readdir(p: string): Promise<string[]>;
}

/**
 * Where nvidia-smi lives. Linux: PATH, /usr/bin, and WSL's /usr/lib/wsl/lib. Windows: PATH,
 * `%SystemRoot%\System32` (modern drivers), the DriverStore copy the driver installs under
 * `FileRepository\nv*`, and the old `NVSMI` folder. Returns null when none exists.
 */
export async function locateNvidiaSmi(host: LocateHost): Promise<string | null> {
  for (const candidate of await candidates(host)) {
    if (await host.isFile(candidate)) return candidate;
  }
  return null;
}

async function candidates(host: LocateHost): Promise<string[]> {
  const win = host.platform === 'win32';
  const p = win ? path.win32 : path.posix;
  const exe = win ? 'nvidia-smi.exe' : 'nvidia-smi';
  const pathVar = host.env.PATH ?? host.env.Path ?? '';
  const fromPath = pathVar
    .split(win ? ';' : ':')
    .filter((dir) => dir.trim() !== '')
    .map((dir) => p.join(dir.replace(/^"|"$/g, ''), exe));
  if (!win) {
    return [...fromPath, '/usr/bin/nvidia-smi', '/usr/lib/wsl/lib/nvidia-smi'];
  }
  const systemRoot = host.env.SystemRoot ?? host.env.SYSTEMROOT ?? 'C:\\Windows';
  const repo = p.join(systemRoot, 'System32', 'DriverStore', 'FileRepository');
  // Newest driver packages sort last by name often enough; try them newest-first.
  const driverStore = (await host.readdir(repo))
    .filter((name) => /^nv/i.test(name))
    .sort()
    .reverse()
    .map((name) => p.join(repo, name, exe));
  const programFiles = host.env.ProgramW6432 ?? host.env.ProgramFiles ?? 'C:\\Program Files';
  return [
    ...fromPath,
    p.join(systemRoot, 'System32', exe),
    ...driverStore,
    p.join(programFiles, 'NVIDIA Corporation', 'NVSMI', exe),
  ];
}
