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
