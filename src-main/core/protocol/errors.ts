/** Every protocol failure has a stable machine code (sent over the wire) and a readable message. */
export type ProtocolErrorCode =
  | 'malformed'
  | 'unsupported_version'
  | 'bad_signature'
  | 'wrong_signer'
  | 'replayed_nonce'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'bad_digest'
  | 'stale_snapshot'
  | 'wrong_network';

export class ProtocolError extends Error {
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class MalformedMessageError extends ProtocolError {
  constructor(message: string) {
    super('malformed', message);
  }
}
export class UnsupportedVersionError extends ProtocolError {
  constructor(message: string) {
    super('unsupported_version', message);
  }
}
export class BadSignatureError extends ProtocolError {
  constructor(message: string) {
    super('bad_signature', message);
  }
}
export class WrongSignerError extends ProtocolError {
  constructor(message: string) {
    super('wrong_signer', message);
  }
}
export class ReplayedNonceError extends ProtocolError {
  constructor(message: string) {
    super('replayed_nonce', message);
  }
}
export class StaleTimestampError extends ProtocolError {
  constructor(message: string) {
    super('stale_timestamp', message);
  }
}
export class FutureTimestampError extends ProtocolError {
  constructor(message: string) {
    super('future_timestamp', message);
  }
}
export class BadDigestError extends ProtocolError {
  constructor(message: string) {
    super('bad_digest', message);
  }
}
export class StaleSnapshotError extends ProtocolError {
  constructor(message: string) {
    super('stale_snapshot', message);
  }
}
export class WrongNetworkError extends ProtocolError {
  constructor(message: string) {
    super('wrong_network', message);
  }
}
