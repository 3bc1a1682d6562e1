import { ClaudeCodeServerError, type CodeOf } from '@claude-code-server/errors';

/**
 * Every code an agent error can carry. Errors from core (ClaudeError) and from the store (StoreError)
 * pass through unchanged, with their own codes.
 */
export type AgentErrorCode = CodeOf<'agent'>;

/** Base of every error the agent itself throws; tell them apart by `code`. */
export class AgentError extends ClaudeCodeServerError<AgentErrorCode> {}

/** An argument or option was wrong; `field` names it (e.g. `options.userId`). */
export class InvalidAgentInputError extends AgentError {
  readonly field: string;
  constructor(field: string, problem: string) {
    super('INVALID_INPUT', `invalid ${field}: ${problem}`);
    this.field = field;
  }
}

/** The session's queue is full; try again after `retryAfterMs`. */
export class AgentBusyError extends AgentError {
  readonly sessionId: string;
  readonly retryAfterMs: number;
  constructor(sessionId: string, queued: number, retryAfterMs: number) {
    super(
      'AGENT_BUSY',
      `session ${sessionId} already has ${queued} message${queued === 1 ? '' : 's'} waiting; ` +
        `retry in about ${retryAfterMs} ms`,
    );
    this.sessionId = sessionId;
    this.retryAfterMs = retryAfterMs;
  }
}

/** A per-call override would widen what the agent's config allows; `field` names it. */
export class OverrideNotAllowedError extends AgentError {
  readonly field: string;
  constructor(field: string, problem: string) {
    super('OVERRIDE_NOT_ALLOWED', `override ${field} is not allowed: ${problem}`);
    this.field = field;
  }
}

/** The call named a project the agent was not configured with. */
export class UnknownProjectError extends AgentError {
  readonly project: string;
  constructor(project: string, known: readonly string[]) {
    const list = known.length > 0 ? `configured: ${known.join(', ')}` : 'no projects are configured';
    super('UNKNOWN_PROJECT', `unknown project ${JSON.stringify(project)} (${list})`);
    this.project = project;
  }
}

/** The session already works in another project; a session keeps the project it was created with. */
export class ProjectMismatchError extends AgentError {
  constructor(sessionId: string, sessionProject: string | null, requested: string | null) {
    super(
      'PROJECT_MISMATCH',
      `session ${sessionId} belongs to project ${JSON.stringify(sessionProject ?? '(default)')}, ` +
        `not ${JSON.stringify(requested ?? '(default)')}; use another session id for another project`,
    );
  }
}

/** The session id exists but belongs to another user. */
export class SessionOwnedByOtherUserError extends AgentError {
  readonly sessionId: string;
  constructor(sessionId: string) {
    super('SESSION_OWNED_BY_OTHER_USER', `session ${sessionId} belongs to another user`);
    this.sessionId = sessionId;
  }
}

/** Another agent held the session's lease for longer than this call could wait. */
export class LeaseTimeoutError extends AgentError {
  readonly sessionId: string;
  readonly retryAfterMs: number;
  constructor(sessionId: string, waitedMs: number, retryAfterMs: number) {
    super(
      'LEASE_TIMEOUT',
      `session ${sessionId} is busy in another agent; gave up waiting after ${waitedMs} ms`,
    );
    this.sessionId = sessionId;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The session's lease expired during the turn and may have been taken: the answer was not stored. */
export class LeaseLostError extends AgentError {
  constructor(sessionId: string, options?: { cause?: unknown }) {
    super(
      'LEASE_LOST',
      `lost the lease on session ${sessionId} during the turn; the answer was not stored`,
      options,
    );
  }
}

/** The caller's AbortSignal fired (or it left its stream): a waiting message is dropped, a running turn interrupted if nobody else waits for it. */
export class AgentAbortedError extends AgentError {
  constructor(options?: { cause?: unknown }) {
    super('ABORTED', 'the message was abandoned by its caller', options);
  }
}

/** `close()` was called; no new messages are taken and queued ones fail. */
export class AgentClosedError extends AgentError {
  constructor() {
    super('AGENT_CLOSED', 'the agent is closed');
  }
}
