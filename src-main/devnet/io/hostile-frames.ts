import { PROTOCOL_VERSION } from '../../core/protocol/version.js';

/** Frames a broken or hostile network might send: the node must survive each and say why. */
export function malformedFrames(): string[] {
  return [
    '{"v":"1.0","type":"job_assign","job":{', // truncated JSON
    JSON.stringify({
      v: PROTOCOL_VERSION,
      type: 'job_assign',
      job: { job_id: 'x y', max_tokens: -1 },
    }),
    JSON.stringify({ v: PROTOCOL_VERSION, type: 'no_such_message', data: 1 }),
    JSON.stringify({ v: '9.0', type: 'ping', ping_id: 'p1', server_time: 1 }),
  ];
}

/**
 * Control frames sent on a connection that is not authenticated yet (after the challenge,
 * before session_ready): a node must act on none of them.
 */
export function controlFramesBeforeAuth(now: number): string[] {
  return [
    JSON.stringify({ v: PROTOCOL_VERSION, type: 'drain', reason: 'unauthenticated drain' }),
    JSON.stringify({
      v: PROTOCOL_VERSION,
      type: 'node_status',
      status: 'suspended',
      reason: 'unauthenticated status',
    }),
    JSON.stringify({
      v: PROTOCOL_VERSION,
      type: 'job_assign',
      job: {
        job_id: `pre-auth-${now}`,
        model: 'sim-chat-1b',
        kind: 'completion',
        prompt: 'unauthenticated job',
        max_tokens: 1,
        assigned_at: now,
        deadline_at: now + 60_000,
      },
    }),
  ];
}

/** One syntactically valid job_assign frame of about `bytes` bytes (over MAX_FRAME_BYTES). */
export function oversizedFrame(bytes: number, now: number): string {
  const prompt = 'a'.repeat(Math.max(0, bytes));
  return JSON.stringify({
    v: PROTOCOL_VERSION,
    type: 'job_assign',
    job: {
      job_id: 'oversized-frame',
      model: 'sim-chat-1b',
      kind: 'completion',
      prompt,
      max_tokens: 1,
      assigned_at: now,
      deadline_at: now + 60_000,
    },
  });
}

/**
 * job_assign frames whose job breaks the schema but names a readable job_id (each id says what
 * is wrong), plus one legal job for a model served as `org/name` that this network has not
 * approved. The node must answer every one with job_reject: `invalid_job`, naming the field,
 * and `model_not_approved` for the last.
 */
export function invalidJobFrames(now: number, model: string): string[] {
  const base = {
    model,
    kind: 'chat',
    messages: [{ role: 'user', content: 'Say hello.' }],
    max_tokens: 16,
    assigned_at: now,
    deadline_at: now + 60_000,
  };
  const jobs: Record<string, unknown>[] = [
    { ...base, job_id: 'invalid-max-tokens-zero', max_tokens: 0 },
    { ...base, job_id: 'invalid-max-tokens-negative', max_tokens: -3 },
    { ...base, job_id: 'invalid-chat-without-messages', messages: undefined },
    { ...base, job_id: 'invalid-unknown-kind', kind: 'embedding' },
    {
      ...base,
      job_id: 'invalid-prompt-too-long',
      kind: 'completion',
      messages: undefined,
      prompt: 'a'.repeat(500_000),
    },
    {
      ...base,
      job_id: 'invalid-too-many-messages',
      messages: Array.from({ length: 300 }, () => ({ role: 'user', content: 'hi' })),
    },
    { ...base, job_id: 'invalid-served-name-org-slash-name', model: 'someorg/unlisted-model' },
  ];
  return jobs.map((job) => JSON.stringify({ v: PROTOCOL_VERSION, type: 'job_assign', job }));
}
