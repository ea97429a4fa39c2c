import { sha256Hex } from '../../core/protocol/canonical.js';
import { isNormalisedOutput } from '../../core/protocol/output.js';
import type { JobResultBody } from '../../core/protocol/schemas/ws.js';
// Direct modules, not sim-runtime/index.js: the headless bundle takes only what the check needs.
import { simulateCompletion } from '../sim-runtime/simulate.js';
import { renderChatPrompt } from '../sim-runtime/tokenizer.js';
import type { JobRecord } from './job-record.js';

/** Returns why a result is not acceptable for `job`, or null when it is. */
export function resultProblem(job: JobRecord, r: JobResultBody): string | null {
  if (r.model !== job.spec.model) return `model "${r.model}" is not the job's "${job.spec.model}"`;
  // A lone surrogate would be hashed as U+FFFD by UTF-8 encoding; the node must send it so.
  if (!isNormalisedOutput(r.output)) return 'the output holds a lone UTF-16 surrogate';
  if (sha256Hex(r.output) !== r.output_hash) return 'output_hash is not the sha256 of the output';
  if (r.usage.completion_tokens > job.spec.max_tokens) {
    return `completion_tokens ${r.usage.completion_tokens} exceeds max_tokens ${job.spec.max_tokens}`;
  }
  if (r.status === 'completed' && r.finish_reason !== 'stop' && r.finish_reason !== 'length') {
    return `a completed result cannot finish with "${r.finish_reason}"`;
  }
  if (r.status === 'failed' && (r.finish_reason === 'stop' || r.finish_reason === 'length')) {
    return `a failed result cannot finish with "${r.finish_reason}"`;
  }
  return null;
}

/**
 * Why a test task result fails, or null when it passes. Structural by default; `strict` also
 * demands the simulated runtime's exact output for the test prompt and seed.
 */
export function testProblem(job: JobRecord, r: JobResultBody, strict: boolean): string | null {
  if (r.status !== 'completed') {
    return `the test task failed on the node: ${r.error?.message ?? r.finish_reason}`;
  }
  if (r.output.length === 0) return 'the test task output is empty';
  const problem = resultProblem(job, r);
  if (problem) return problem;
  if (!strict) return null;
  const expected = simulateCompletion({
    model: job.spec.model,
    prompt:
      job.spec.kind === 'chat'
        ? renderChatPrompt(job.spec.messages ?? [])
        : (job.spec.prompt ?? ''),
    seed: job.spec.seed,
    maxTokens: job.spec.max_tokens,
  });
  if (r.output !== expected.text) {
    return `the output is not what the model produces for the test prompt (got ${r.output.length} characters, expected ${expected.text.length})`;
  }
  if (r.finish_reason !== expected.finishReason) {
    return `finish_reason "${r.finish_reason}" should be "${expected.finishReason}"`;
  }
  return null;
}
