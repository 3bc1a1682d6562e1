import { ERROR_CODES, type ErrorCode } from '@claude-code-server/errors';

/**
 * Codes of failures the client sees without an answer of the server's: the connection failed, or
 * the answer was not the server's error shape (a proxy's page, a code this client does not know).
 */
export type ClientOnlyErrorCode = 'NETWORK_ERROR' | 'UNEXPECTED_RESPONSE';

/** Every code a `ClaudeCodeServerClientError` can carry: the server's (one list, from `@claude-code-server/errors`) and the client's own. */
export type ClientErrorCode = ErrorCode | ClientOnlyErrorCode;

const SERVER_CODES: ReadonlySet<string> = new Set(Object.values(ERROR_CODES).flat());

/** Whether a string is one of the server's error codes. */
export function isServerErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && SERVER_CODES.has(code);
}

/** What the error shape `{ success: false, error: { code, message, details? } }` and its response say. */
export interface ClientErrorInit {
  status?: number | undefined;
  details?: Record<string, unknown> | undefined;
  /** From Retry-After, in milliseconds. */
  retryAfterMs?: number | undefined;
  /** The server's X-Request-Id, for finding the request in its log. */
  requestId?: string | undefined;
  cause?: unknown;
}

/**
 * Base of every error the client throws: catch them all with one `instanceof`, tell them apart by
 * `code` (the server's code) or by the subclass (which follows the HTTP status).
 */
export class ClaudeCodeServerClientError extends Error {
  readonly code: ClientErrorCode;
  /** The HTTP status (also of an `error` event on a stream); undefined when nothing was answered. */
  readonly status: number | undefined;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterMs: number | undefined;
  readonly requestId: string | undefined;

  constructor(code: ClientErrorCode, message: string, init: ClientErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = init.status;
    this.details = init.details;
    this.retryAfterMs = init.retryAfterMs;
    this.requestId = init.requestId;
  }
}

/** 400, 413, 415: the request was wrong; the message (and `details.field`) names what. */
export class BadRequestError extends ClaudeCodeServerClientError {}
/** 401: no API key, or a wrong one. */
export class AuthenticationError extends ClaudeCodeServerClientError {}
/** 403: the key may not do this (a user, project, mode or tool beyond it). */
export class PermissionDeniedError extends ClaudeCodeServerClientError {}
/** 404: no such session, task or permission request for this key. */
export class NotFoundError extends ClaudeCodeServerClientError {}
/** 409: the session is another user's or project's, the task already finished or runs elsewhere. */
export class ConflictError extends ClaudeCodeServerClientError {}
/** 429: the key's rate limit or a full turn queue; `retryAfterMs` says when to come back. */
export class RateLimitError extends ClaudeCodeServerClientError {}
/** 5xx: the server, the CLI, the Anthropic API or the store failed, or the server is shutting down. */
export class ServerError extends ClaudeCodeServerClientError {}
/** The request never got an answer: the connection failed or was cut. */
export class ConnectionError extends ClaudeCodeServerClientError {}
/** The caller's AbortSignal fired (code `ABORTED`); `cause` is the signal's reason. */
export class AbortedError extends ClaudeCodeServerClientError {}

type ErrorClass = new (
  code: ClientErrorCode,
  message: string,
  init?: ClientErrorInit,
) => ClaudeCodeServerClientError;

const CLASS_BY_STATUS: Record<number, ErrorClass> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  413: BadRequestError,
  415: BadRequestError,
  429: RateLimitError,
};

function classOfStatus(status: number): ErrorClass {
  return CLASS_BY_STATUS[status] ?? (status >= 500 ? ServerError : ClaudeCodeServerClientError);
}

/** The typed error of the server's error shape (`body.error`) answered with `status`. */
export function errorFromBody(status: number, body: unknown, init: Omit<ClientErrorInit, 'status'> = {}) {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  const ErrorOfStatus = classOfStatus(status);
  if (!error || typeof error.message !== 'string') {
    return new ErrorOfStatus('UNEXPECTED_RESPONSE', `the server answered ${status} without its error body`, {
      ...init,
      status,
    });
  }
  const details =
    error.details && typeof error.details === 'object'
      ? (error.details as Record<string, unknown>)
      : undefined;
  if (!isServerErrorCode(error.code)) {
    // A newer server's code: the message still says what happened; the code it sent is kept in details.
    return new ErrorOfStatus('UNEXPECTED_RESPONSE', error.message, {
      ...init,
      status,
      details: { ...details, server_code: error.code },
    });
  }
  return new ErrorOfStatus(error.code, error.message, { ...init, status, details });
}

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The typed error of a failed HTTP response (its body is read). */
export async function errorFromResponse(response: Response): Promise<ClaudeCodeServerClientError> {
  const text = await response.text().catch(() => '');
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: errorFromBody says the body was not the server's.
  }
  return errorFromBody(response.status, body, {
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
    requestId: response.headers.get('x-request-id') ?? undefined,
  });
}

/** The AbortedError for a signal that fired. */
export function abortedError(signal: AbortSignal): AbortedError {
  return new AbortedError('ABORTED', 'the request was aborted', { cause: signal.reason });
}
