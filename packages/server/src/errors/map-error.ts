import { HttpError } from './http-error.js';

/** HTTP status of every error code the agent, core and the store use (and of our own). */
const STATUS_BY_CODE: Record<string, number> = {
  // store
  SESSION_NOT_FOUND: 404,
  INVALID_INPUT: 400,
  STORE_UNAVAILABLE: 503,
  CONFLICT: 409,
  STORE_CLOSED: 503,
  // agent
  AGENT_BUSY: 429,
  OVERRIDE_NOT_ALLOWED: 403,
  UNKNOWN_PROJECT: 400,
  PROJECT_MISMATCH: 409,
  SESSION_OWNED_BY_OTHER_USER: 409,
  LEASE_TIMEOUT: 429,
  LEASE_LOST: 409,
  AGENT_CLOSED: 503,
  // core
  CLI_NOT_FOUND: 503,
  INVALID_CONFIG: 400,
  PROCESS_EXITED: 502,
  TIMEOUT: 504,
  API_ERROR: 502,
  CLAUDE_SESSION_NOT_FOUND: 502,
  PROTOCOL_ERROR: 502,
  INTERRUPTED: 503,
  SESSION_CLOSED: 503,
  POOL_BUSY: 429,
  PERMISSION_TIMEOUT: 504,
  ABORTED: 499,
};

/** Codes whose message may name internals (paths, stderr): the client gets a generic text. */
const GENERIC_MESSAGES: Record<string, string> = {
  CLI_NOT_FOUND: 'the Claude Code CLI is not available on this server',
  PROCESS_EXITED: 'the Claude Code CLI exited unexpectedly',
  PROTOCOL_ERROR: 'the Claude Code CLI sent output the server could not read',
  STORE_UNAVAILABLE: 'the session store is unavailable',
};

interface CodedError extends Error {
  code: string;
  field?: unknown;
  retryAfterMs?: unknown;
  status?: unknown;
  isAuthError?: unknown;
}

function isCoded(error: unknown): error is CodedError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}

/**
 * The HTTP error for anything a handler throws: our HttpErrors pass through, agent/core/store errors
 * map by `code`, anything else is a 500 that says nothing about internals.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (!isCoded(error) || STATUS_BY_CODE[error.code] === undefined) {
    return new HttpError(500, 'INTERNAL', 'the server failed to handle the request', { cause: error });
  }
  const status = STATUS_BY_CODE[error.code] as number;
  const details: Record<string, unknown> = {};
  if (typeof error.field === 'string') details.field = error.field;
  if (typeof error.status === 'number') details.upstream_status = error.status;
  if (error.isAuthError === true) details.auth_failed = true;
  const retryAfterMs = typeof error.retryAfterMs === 'number' ? error.retryAfterMs : undefined;
  return new HttpError(status, error.code, GENERIC_MESSAGES[error.code] ?? error.message, {
    ...(Object.keys(details).length > 0 ? { details } : {}),
    ...(retryAfterMs !== undefined || status === 429 ? { retryAfterMs: retryAfterMs ?? 1000 } : {}),
    cause: error,
  });
}
