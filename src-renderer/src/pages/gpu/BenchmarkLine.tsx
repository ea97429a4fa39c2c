import type { BenchmarkDto } from '../../../../src-main/contract/index.js';
import { formatClock } from '../../lib/format.js';

/** "Benchmark: 142 tok/s, TTFT 180 ms, at registration": the test task's measurement. */
export function benchmarkWords(b: BenchmarkDto): string {
  const speed = `${Math.round(b.tokensPerSecond)} tok/s`;
  const ttft = b.ttftMs === null ? '' : `, TTFT ${b.ttftMs} ms`;
  const when = b.kind === 'registration' ? 'at registration' : 'last re-check';
  return `Benchmark: ${speed}${ttft}, ${when}`;
}

export function BenchmarkLine({
  benchmark,
  simulated,
}: {
  benchmark: BenchmarkDto | null | undefined;
  simulated: boolean;
}) {
  return (
    <p className="field-help" data-testid="benchmark">
      {benchmark ? (
        <>
          {benchmarkWords(benchmark)} ({formatClock(benchmark.measuredAt)}, {benchmark.model}).
          {simulated
            ? ' Measured on the SIMULATED runtime: not this GPU’s speed.'
            : ' The network’s test task measured it on this machine.'}
        </>
      ) : (
        'Benchmark: not measured yet. The network’s test task measures speed after registration.'
      )}
    </p>
  );
}
