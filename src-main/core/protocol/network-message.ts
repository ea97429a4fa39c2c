import { MalformedMessageError } from './errors.js';
import { describeIssues, parseJson } from './parse.js';
import { Id } from './schemas/common.js';
import { Job, MAX_FRAME_BYTES, NetworkMessage } from './schemas/ws.js';
import { assertSupportedVersion, PROTOCOL_VERSION } from './version.js';

/**
 * A `job_assign` whose job fails the schema but names a readable `job_id`: the node answers it
 * with `job_reject` `invalid_job` instead of dropping it (the network would wait for nothing).
 */
export interface InvalidJobAssign {
  type: 'job_assign_invalid';
  job_id: string;
  /** The fields at fault, e.g. "job.max_tokens: Too small: expected number to be >0". */
  detail: string;
}

/** What the job link hands on: a valid network message, or an assignment to refuse as invalid. */
export type LinkMessage = NetworkMessage | InvalidJobAssign;

/** Decodes one network → node frame: size, JSON, version, schema. Throws a ProtocolError. */
export function decodeNetworkFrame(data: string | Buffer): NetworkMessage {
  const msg = decodeLinkFrame(data);
  if (msg.type === 'job_assign_invalid')
    throw new MalformedMessageError(`invalid job_assign ${msg.job_id}: ${msg.detail}`);
  return msg;
}

/**
 * Like `decodeNetworkFrame`, but an invalid `job_assign` with a readable `job_id` comes back as
 * an `InvalidJobAssign` (to be refused) rather than an error (to be dropped).
 */
export function decodeLinkFrame(data: string | Buffer): LinkMessage {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (size > MAX_FRAME_BYTES)
    throw new MalformedMessageError(`frame of ${size} bytes exceeds ${MAX_FRAME_BYTES}`);
  const raw = parseJson(data.toString(), 'frame');
  const v = (raw as { v?: unknown } | null)?.v;
  assertSupportedVersion(v);
  const parsed = NetworkMessage.safeParse(raw);
  if (parsed.success) return parsed.data;
  const invalid = invalidJobAssign(raw);
  if (invalid) return invalid;
  throw new MalformedMessageError(`invalid network message: ${describeIssues(parsed.error)}`);
}

function invalidJobAssign(raw: unknown): InvalidJobAssign | null {
  const frame = raw as { type?: unknown; job?: { job_id?: unknown } } | null;
  if (frame?.type !== 'job_assign' || typeof frame.job !== 'object' || frame.job === null)
    return null;
  const id = Id.safeParse(frame.job.job_id);
  if (!id.success) return null;
  const job = Job.safeParse(frame.job);
  // The job itself is fine: something else in the frame is wrong; drop it as malformed.
  if (job.success) return null;
  const detail = job.error.issues
    .slice(0, 5)
    .map((i) => `job.${i.path.join('.')}: ${i.message}`)
    .join('; ');
  return { type: 'job_assign_invalid', job_id: id.data, detail: detail.slice(0, 400) };
}

type WithoutVersion<T> = T extends unknown ? Omit<T, 'v'> : never;
export type NetworkMessageDraft = WithoutVersion<NetworkMessage>;

/** Builds a network → node frame with the protocol version filled in. */
export function networkFrame(msg: NetworkMessageDraft): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, ...msg });
}
