import { AgentBusyError } from '@claude-code-server/agent';
import { ClaudeCodeServerError, type ErrorCode } from '@claude-code-server/errors';
import { HttpError } from './http-error.js';

/**
 * HTTP status of every code of the project. Checked against the closed list, so a new code must be
 * given its status here before the server compiles.
 */
const STATUS_BY_CODE = {
  // common
  INVALID_INPUT: 400,
  ABORTED: 499,
  // store
  SESSION_NOT_FOUND: 404,
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
  CLI_NOT_AUTHENTICATED: 503,
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
  // server
  INVALID_OPTIONS: 500,
  PROJECT_DIRECTORY: 500,
  SERVER_CLOSED: 503,
  SERVER_RESTARTED: 503,
  INVALID_REQUEST: 400,
  INVALID_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  CONCURRENCY_LIMITED: 429,
  SERVER_BUSY: 429,
  SHUTTING_DOWN: 503,
  NODE_LOST: 502,
  TASK_FINISHED: 409,
  INTERNAL: 500,
  // apps/server: start-up errors, never an answer to a request
  USAGE: 500,
  CONFIG_NOT_FOUND: 500,
  CONFIG_SYNTAX: 500,
  CONFIG_INVALID: 500,
  STORE_UNREACHABLE: 500,
  LISTEN_FAILED: 500,
} as const satisfies Record<ErrorCode, number>;

/** The status an error code answers with. */
export function statusOf(code: ErrorCode): number {
  return STATUS_BY_CODE[code];
}

/** Codes whose message may name internals (paths, stderr): the client gets a generic text. */
const GENERIC_MESSAGES: Partial<Record<ErrorCode, string>> = {
  CLI_NOT_FOUND: 'the Claude Code CLI is not available on this server',
  CLI_NOT_AUTHENTICATED:
    'the Claude Code CLI on this server has no Anthropic credentials: its operator must set ANTHROPIC_API_KEY for it (GET /health names the problem)',
  PROCESS_EXITED: 'the Claude Code CLI exited unexpectedly',
  PROTOCOL_ERROR: 'the Claude Code CLI sent output the server could not read',
  STORE_UNAVAILABLE: 'the session store is unavailable',
};

/** Fields some of the project's errors carry, copied into `details`. */
interface ErrorFields {
  field?: unknown;
  retryAfterMs?: unknown;
  status?: unknown;
  isAuthError?: unknown;
}

/**
 * The HTTP error for anything a handler throws: our HttpErrors pass through, agent/core/store errors
 * map by `code`, anything else is a 500 that says nothing about internals.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof AgentBusyError) return busyError(error);
  if (!(error instanceof ClaudeCodeServerError)) {
    return new HttpError(500, 'INTERNAL', 'the server failed to handle the request', { cause: error });
  }
  const fields = error as ClaudeCodeServerError & ErrorFields;
  const code: ErrorCode = error.code;
  const status = statusOf(code);
  const details: Record<string, unknown> = {};
  if (typeof fields.field === 'string') details.field = fields.field;
  if (typeof fields.status === 'number') details.upstream_status = fields.status;
  if (fields.isAuthError === true) details.auth_failed = true;
  const retryAfterMs = typeof fields.retryAfterMs === 'number' ? fields.retryAfterMs : undefined;
  return new HttpError(status, code, GENERIC_MESSAGES[code] ?? error.message, {
    ...(Object.keys(details).length > 0 ? { details } : {}),
    ...(retryAfterMs !== undefined || status === 429 ? { retryAfterMs: retryAfterMs ?? 1000 } : {}),
    cause: error,
  });
}

/**
 * A full queue of the agent's admission: SERVER_BUSY when every turn slot is busy and the server's
 * queue is full, AGENT_BUSY when the session's own queue is (its stored id is not shown).
 */
function busyError(error: AgentBusyError): HttpError {
  const retry = { retryAfterMs: error.retryAfterMs, details: { queued: error.queued }, cause: error };
  if (error.scope === 'agent') return new HttpError(429, 'SERVER_BUSY', error.message, retry);
  const waiting = `${error.queued} message${error.queued === 1 ? '' : 's'} waiting`;
  return new HttpError(429, 'AGENT_BUSY', `this session already has ${waiting}`, retry);
}
