import { describe, expect, it } from 'vitest';
import {
  validateAssignment,
  type ValidationContext,
} from '../../../src-main/core/jobs/validate-job.js';
import { estimatePromptTokens } from '../../../src-main/core/jobs/prompt-estimate.js';
import type { Job, RejectReason } from '../../../src-main/core/protocol/schemas/ws.js';
import { RejectReason as RejectReasonSchema } from '../../../src-main/core/protocol/schemas/ws.js';
import { defaultSnapshot } from '../../../src-main/devnet/io/default-snapshot.js';

const NOW = 1_763_800_000_000;
const config = defaultSnapshot('local', {}, NOW);

function ctx(over: Partial<ValidationContext> = {}): ValidationContext {
  return {
    config,
    draining: false,
    inFlight: 0,
    runtime: {
      kind: 'external',
      state: 'ready',
      detail: 'ok',
      version: null,
      servedModels: ['sim-chat-1b'],
      simulated: true,
    },
    now: NOW,
    ...over,
  };
}

function job(over: Partial<Job> = {}): Job {
  return {
    job_id: 'j1',
    model: 'sim-chat-1b',
    kind: 'chat',
    messages: [{ role: 'user', content: 'hi' }],
    max_tokens: 100,
    assigned_at: NOW - 10,
    deadline_at: NOW + 30_000,
    ...over,
  } as Job;
}

const reasonOf = (j: Job, c = ctx()) => validateAssignment(j, c)?.reason ?? null;

describe('validateAssignment', () => {
  it('accepts a job that fits the configuration', () => {
    expect(validateAssignment(job(), ctx())).toBeNull();
  });

  it('refuses new jobs while held back for a runtime image switch, saying so', () => {
    const held = 'The node is switching its runtime to a new image.';
    expect(validateAssignment(job(), ctx({ held }))).toEqual({
      reason: 'not_accepting',
      detail: held,
    });
  });

  const cases: Array<[RejectReason, Job, ValidationContext]> = [
    ['not_accepting', job(), ctx({ config: null })],
    ['not_accepting', job(), ctx({ draining: true })],
    [
      'not_accepting',
      job(),
      ctx({
        config: { ...config, participation: { ...config.participation, accepting_jobs: false } },
      }),
    ],
    ['invalid_job', job({ kind: 'completion', messages: undefined, prompt: undefined }), ctx()],
    ['invalid_job', job({ deadline_at: NOW + 5, assigned_at: NOW + 10 }), ctx()],
    ['deadline_passed', job({ deadline_at: NOW - 1 }), ctx()],
    ['model_not_approved', job({ model: 'gpt-unknown' }), ctx()],
    ['model_not_installed', job(), ctx({ runtime: { ...ctx().runtime, servedModels: ['other'] } })],
    [
      'runtime_unavailable',
      job(),
      ctx({ runtime: { ...ctx().runtime, state: 'unhealthy', detail: 'HTTP 500' } }),
    ],
    ['token_limit', job({ max_tokens: config.jobs.max_output_tokens + 1 }), ctx()],
    [
      'token_limit',
      job({
        messages: [{ role: 'user', content: 'x'.repeat(config.jobs.max_input_tokens * 4 + 4) }],
      }),
      ctx(),
    ],
    ['queue_full', job(), ctx({ inFlight: config.jobs.max_queue_size })],
  ];

  it.each(cases)('refuses with %s', (reason, j, c) => {
    const r = validateAssignment(j, c);
    expect(r?.reason).toBe(reason);
    expect(RejectReasonSchema.safeParse(r?.reason).success).toBe(true);
    expect(r?.detail.length).toBeGreaterThan(10);
    expect(r?.detail.length).toBeLessThanOrEqual(500);
  });

  it('covers every reject reason the protocol defines (duplicate_job is the engine’s)', () => {
    const covered = new Set(cases.map((c) => c[0]));
    const missing = RejectReasonSchema.options.filter((r) => !covered.has(r));
    expect(missing).toEqual(['duplicate_job']);
  });

  it('lets the network’s test task through when the node does not take jobs yet', () => {
    const closed = { ...config, participation: { ...config.participation, accepting_jobs: false } };
    expect(reasonOf(job({ test: true }), ctx({ config: closed }))).toBeNull();
  });

  it('refuses a prompt plus max_tokens larger than the model context', () => {
    const small = { ...config, models: config.models.map((m) => ({ ...m, max_model_len: 200 })) };
    const r = validateAssignment(job({ max_tokens: 199 }), ctx({ config: small }));
    expect(r?.reason).toBe('token_limit');
    expect(r?.detail).toContain("model's context of 200");
  });
});

describe('estimatePromptTokens', () => {
  it('counts about four UTF-8 bytes a token plus chat overhead', () => {
    expect(estimatePromptTokens({ kind: 'completion', prompt: 'abcdefgh' })).toBe(2);
    expect(
      estimatePromptTokens({ kind: 'chat', messages: [{ role: 'user', content: 'abcd' }] }),
    ).toBe(7);
    expect(estimatePromptTokens({ kind: 'completion', prompt: '日本語' })).toBe(3);
  });
});
