/**
 * How the node's JavaScript engine is started, for a small resident memory (issue 18: idle
 * ≤ 100 MB, under load ≤ 220 MB). The headless launcher (headless/launch.ts) applies both; the
 * desktop passes the V8 flags to Electron's `js-flags`.
 *
 * `--max-semi-space-size=1`: V8's young generation grows to 3 × 16 MB under load by default;
 * the node allocates little that lives long, so 1 MB semi-spaces cost no measurable CPU and
 * keep ~40 MB out of the resident set.
 */
export const NODE_V8_FLAGS: readonly string[] = ['--max-semi-space-size=1'];

/**
 * glibc's malloc keeps an arena per thread (libuv's pool, V8's workers), each holding freed
 * memory; the node's threads allocate little, so one arena is enough. Fixed trim and mmap
 * thresholds (128 KiB) stop glibc from raising them as start-up frees large blocks (up to 32 MiB
 * kept unreturned): idle RSS on the bench stack 100.4 → 94.6 MB, CPU per job unchanged within noise.
 */
export const NODE_MEMORY_ENV: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '1',
  MALLOC_TRIM_THRESHOLD_: '131072',
  MALLOC_MMAP_THRESHOLD_: '131072',
};

/** Set in the environment of the restarted process (and by anyone who wants none of this). */
export const TUNED_ENV = 'RESULTITY_NODE_TUNED';
