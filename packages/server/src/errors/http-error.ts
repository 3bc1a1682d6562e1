import { ClaudeCodeServerError, type ErrorCode } from '@claude-code-server/errors';

/** What a failed request answers: `{ success: false, error: { code, message, details? } }` with `status`. */
export class HttpError extends ClaudeCodeServerError {
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  /** Sent as Retry-After (whole seconds) on 429 and 503. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.status = status;
    this.details = options.details;
    this.retryAfterSeconds =
      options.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(options.retryAfterMs / 1000));
  }

  /** The JSON body of the error. */
  toBody(): { success: false; error: { code: string; message: string; details?: Record<string, unknown> } } {
    return {
      success: false,
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

/** 400: a field of the request was wrong; `field` names it (`config.permission_mode`, `limit`...). */
export function badRequest(field: string, problem: string, code: ErrorCode = 'INVALID_REQUEST'): HttpError {
  return new HttpError(400, code, `${field}: ${problem}`, { details: { field } });
}

/** 403: the key may not do this; `field` names what was refused. */
export function forbidden(field: string, problem: string, details: Record<string, unknown> = {}): HttpError {
  return new HttpError(403, 'FORBIDDEN', `${field}: ${problem}`, { details: { field, ...details } });
}

/** 404 with a message that says what was not found (and nothing about whose it is). */
export function notFound(what: string, id: string): HttpError {
  return new HttpError(404, 'NOT_FOUND', `${what} not found: ${id}`, { details: { [`${what}_id`]: id } });
}
