import type { BenchmarkDto } from '../contract/index.js';
import type { BenchmarkReport } from '../core/protocol/index.js';

/** The wire benchmark (heartbeat field) in the UI's shape. */
export function benchmarkDto(b: BenchmarkReport | null): BenchmarkDto | null {
  if (!b) return null;
  return {
    model: b.model,
    tokensPerSecond: b.tokens_per_second,
    ttftMs: b.ttft_ms,
    measuredAt: b.measured_at,
    kind: b.kind,
  };
}
