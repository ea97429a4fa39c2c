import { MalformedMessageError } from './errors.js';
import { parseJson, parseOrThrow } from './parse.js';
import { MAX_FRAME_BYTES, NetworkMessage } from './schemas/ws.js';
import { assertSupportedVersion, PROTOCOL_VERSION } from './version.js';

/** Decodes one network → node frame: size, JSON, version, schema. Throws a ProtocolError. */
export function decodeNetworkFrame(data: string | Buffer): NetworkMessage {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (size > MAX_FRAME_BYTES)
    throw new MalformedMessageError(`frame of ${size} bytes exceeds ${MAX_FRAME_BYTES}`);
  const raw = parseJson(data.toString(), 'frame');
  const v = (raw as { v?: unknown } | null)?.v;
  assertSupportedVersion(v);
  return parseOrThrow(NetworkMessage, raw, 'network message');
}

type WithoutVersion<T> = T extends unknown ? Omit<T, 'v'> : never;
export type NetworkMessageDraft = WithoutVersion<NetworkMessage>;

/** Builds a network → node frame with the protocol version filled in. */
export function networkFrame(msg: NetworkMessageDraft): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, ...msg });
}
