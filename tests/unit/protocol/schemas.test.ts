import { describe, expect, it } from 'vitest';
import {
  decodeNetworkFrame,
  HeartbeatBody,
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
