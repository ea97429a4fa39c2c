import { IoError } from '../network/errors.js';
import { ProtocolError, type ConfigStatus } from '../protocol/index.js';
import { JsonFileError } from '../store/atomic-file.js';

type StatusState = ConfigStatus['state'];

const BY_PROTOCOL_CODE: Record<string, StatusState> = {
  bad_signature: 'invalid_signature',
  wrong_signer: 'invalid_signature',
  bad_digest: 'digest_mismatch',
  malformed: 'invalid_schema',
  unsupported_version: 'invalid_schema',
  stale_snapshot: 'stale',
  wrong_network: 'wrong_network',
};

/** The heartbeat's config_status for a failure while fetching or verifying a snapshot. */
export function statusForError(err: unknown, refusedDigest?: string): ConfigStatus {
  const detail = (err instanceof Error ? err.message : String(err)).slice(0, 500);
  let state: StatusState = 'apply_failed';
  if (err instanceof ProtocolError) state = BY_PROTOCOL_CODE[err.code] ?? 'invalid_schema';
  else if (err instanceof IoError)
    state = err.code === 'invalid_response' ? 'invalid_schema' : 'unreachable';
  else if (err instanceof JsonFileError) state = 'apply_failed';
  return refusedDigest ? { state, detail, refused_digest: refusedDigest } : { state, detail };
}

/** A digest from an untrusted object, if it looks like one (for refused_digest). */
export function digestOf(raw: unknown): string | undefined {
  const d = (raw as { config_digest?: unknown } | null)?.config_digest;
  return typeof d === 'string' && /^sha256:[0-9a-f]{64}$/.test(d) ? d : undefined;
}
