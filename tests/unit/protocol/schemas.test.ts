import { describe, expect, it } from 'vitest';
import {
  decodeLinkFrame,
  decodeNetworkFrame,
  HeartbeatBody,
  JOB_LIMITS,
  MAX_FRAME_BYTES,
  MalformedMessageError,
  networkFrame,
  NodeMessageBodies,
  parseOrThrow,
  RegisterBody,
  UnsupportedVersionError,
} from '../../../src-main/core/protocol/index.js';

const job = {
  job_id: 'job-1',
  model: 'sim-chat-1b',
  kind: 'chat',
  messages: [{ role: 'user', content: 'hi' }],
  max_tokens: 16,
  assigned_at: 1,
  deadline_at: 2,
};

describe('wire schemas reject malformed input readably', () => {
  it('decodes a valid job assignment and tolerates unknown fields', () => {
    const msg = decodeNetworkFrame(
      networkFrame({ type: 'job_assign', job: { ...job, hint: 'x' } } as never),
    );
    expect(msg.type).toBe('job_assign');
  });

  it('names the broken field of a job', () => {
    const frame = networkFrame({ type: 'job_assign', job: { ...job, max_tokens: 0 } } as never);
    expect(() => decodeNetworkFrame(frame)).toThrow(/job\.max_tokens/);
    const noMessages = networkFrame({
      type: 'job_assign',
      job: { ...job, messages: undefined },
    } as never);
    expect(() => decodeNetworkFrame(noMessages)).toThrow(/needs messages/);
  });

  it('accepts served names as vLLM names them, org/name included', () => {
    const msg = decodeNetworkFrame(
      networkFrame({ type: 'job_assign', job: { ...job, model: 'Qwen/Qwen3-0.6B' } } as never),
    );
    expect(msg.type === 'job_assign' && msg.job.model).toBe('Qwen/Qwen3-0.6B');
    const result = NodeMessageBodies.job_result.shape.model.safeParse('org/name:v1.5');
    expect(result.success).toBe(true);
    expect(NodeMessageBodies.job_result.shape.model.safeParse('../x').success).toBe(false);
  });

  it('turns an invalid job with a readable job_id into an answerable invalid assignment', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ max_tokens: 0 }, /job\.max_tokens/],
      [{ max_tokens: -5 }, /job\.max_tokens/],
      [{ messages: undefined }, /job\.messages: a chat job needs messages/],
      [{ messages: [] }, /job\.messages/],
      [{ kind: 'embedding' }, /job\.kind/],
      [{ model: 'org/../x' }, /job\.model/],
      [{ kind: 'completion', messages: undefined, prompt: 'a'.repeat(500_000) }, /job\.prompt/],
      [
        { messages: Array.from({ length: JOB_LIMITS.messages + 1 }, () => job.messages[0]) },
        /job\.messages/,
      ],
      [
        {
          messages: Array.from({ length: 3 }, () => ({
            role: 'user',
            content: 'b'.repeat(150_000),
          })),
        },
        /job\.messages: the messages hold 450000 characters/,
      ],
    ];
    for (const [change, detail] of cases) {
      const frame = networkFrame({ type: 'job_assign', job: { ...job, ...change } } as never);
      expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(MAX_FRAME_BYTES);
      const msg = decodeLinkFrame(frame);
      expect(msg).toMatchObject({ type: 'job_assign_invalid', job_id: 'job-1' });
      expect(msg.type === 'job_assign_invalid' && msg.detail).toMatch(detail);
      expect(() => decodeNetworkFrame(frame)).toThrow(MalformedMessageError);
    }
    // Without a readable job_id there is nobody to answer: the frame is dropped as malformed.
    const anonymous = networkFrame({ type: 'job_assign', job: { ...job, job_id: 'x y' } } as never);
    expect(() => decodeLinkFrame(anonymous)).toThrow(MalformedMessageError);
  });

  it('fits a maximal ASCII prompt inside one frame', () => {
    const frame = networkFrame({
      type: 'job_assign',
      job: {
        ...job,
        kind: 'completion',
        messages: undefined,
        prompt: 'a'.repeat(JOB_LIMITS.promptChars),
      },
    } as never);
    expect(Buffer.byteLength(frame)).toBeLessThan(MAX_FRAME_BYTES);
    expect(decodeLinkFrame(frame).type).toBe('job_assign');
  });

  it('refuses non-JSON, unknown types, oversized frames and unknown major versions', () => {
    expect(() => decodeNetworkFrame('{not json')).toThrow(MalformedMessageError);
    expect(() => decodeNetworkFrame(JSON.stringify({ v: '1.0', type: 'launch_missiles' }))).toThrow(
      /type/,
    );
    expect(() => decodeNetworkFrame('x'.repeat(1024 * 1024 + 1))).toThrow(/exceeds/);
    expect(() => decodeNetworkFrame(JSON.stringify({ v: '9.0', type: 'ping' }))).toThrow(
      UnsupportedVersionError,
    );
  });

  it('validates every node message body', () => {
    const cases: Array<[keyof typeof NodeMessageBodies, unknown, RegExp]> = [
      [
        'session_open',
        { challenge: 'zz', agent_version: '1', accepting: true, max_concurrency: 1 },
        /challenge/,
      ],
      ['job_accept', { job_id: '' }, /job_id/],
      ['job_reject', { job_id: 'a', reason: 'bored', detail: '' }, /reason/],
      ['job_partial', { job_id: 'a', seq: -1, text: '' }, /seq/],
      ['job_result', { job_id: 'a' }, /model/],
      ['pong', {}, /ping_id/],
      ['drain_ack', { in_flight: 'two' }, /in_flight/],
    ];
    for (const [type, body, pattern] of cases) {
      expect(() => parseOrThrow(NodeMessageBodies[type], body, type)).toThrow(pattern);
    }
  });

  it('validates registration and heartbeat bodies', () => {
    expect(() => parseOrThrow(RegisterBody, { network: 'moon' }, 'register')).toThrow(/network/);
    expect(() =>
      parseOrThrow(
        RegisterBody,
        { network: 'local', public_key: '0x02ab', owner: null },
        'register',
      ),
    ).toThrow(/public_key/);
    expect(() => parseOrThrow(HeartbeatBody, { state: 'dancing' }, 'heartbeat')).toThrow(/state/);
  });
});
