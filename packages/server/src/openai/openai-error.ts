import type { Response } from 'express';
import { setRetryAfter } from '../errors/error-middleware.js';
import type { HttpError } from '../errors/http-error.js';

/** OpenAI's error `type` for an HTTP status. */
function typeOf(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/**
 * An error in OpenAI's shape, `{ error: { message, type, param, code } }`: `code` is the server's
 * own code (`RATE_LIMITED`, `SERVER_BUSY`, `TIMEOUT`...), `param` the field at fault.
 */
export function openAiErrorBody(error: HttpError) {
  const field = error.details?.field;
  return {
    error: {
      message: error.message,
      type: typeOf(error.status),
      param: typeof field === 'string' ? field : null,
      code: error.code,
    },
  };
}

/** Sends an error in OpenAI's shape with its status, and Retry-After when there is one. */
export function sendOpenAiError(res: Response, error: HttpError): void {
  setRetryAfter(res, error);
  res.status(error.status).json(openAiErrorBody(error));
}
