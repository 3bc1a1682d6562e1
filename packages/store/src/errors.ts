import { ClaudeCodeServerError, type CodeOf } from '@claude-code-server/errors';

export type StoreErrorCode = CodeOf<'store'>;

/** Base of every error a SessionStore throws; tell them apart by `code`. */
export class StoreError extends ClaudeCodeServerError<StoreErrorCode> {}

export class SessionNotFoundError extends StoreError {
  readonly sessionId: string;
  constructor(sessionId: string) {
    super('SESSION_NOT_FOUND', `session not found: ${sessionId}`);
    this.sessionId = sessionId;
  }
}

/** Names the field that was wrong. */
export class InvalidInputError extends StoreError {
  readonly field: string;
  constructor(field: string, problem: string) {
    super('INVALID_INPUT', `invalid ${field}: ${problem}`);
    this.field = field;
  }
}

/** The backing server could not be reached or failed; `cause` holds the driver's error. */
export class StoreUnavailableError extends StoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_UNAVAILABLE', message, options);
  }
}

export class ConflictError extends StoreError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

export class StoreClosedError extends StoreError {
  constructor() {
    super('STORE_CLOSED', 'the session store is closed');
  }
}
