import os from 'node:os';

export type MemoryReading = {
  total_mb: number;
  free_mb: number;
};

export type MemoryReader = () => MemoryReading;

/** System RAM from the OS (free = what the kernel reports as available to new processes). */
export const osMemory: MemoryReader = () => ({
  total_mb: Math.floor(os.totalmem() / 1048576),
  free_mb: Math.floor(os.freemem() / 1048576),
});
