import type { ErrorReply } from './types.js';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/** The Messages API `error.type` for a status. */
export function errorTypeFor(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** Whether the real API would mark this status retryable (x-should-retry). */
export function defaultShouldRetry(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Status, headers and JSON body of an error answer. */
export function buildErrorResponse(reply: ErrorReply, requestId: string) {
  const errorType = reply.errorType ?? errorTypeFor(reply.status);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': requestId };
  const shouldRetry = reply.shouldRetry === undefined ? defaultShouldRetry(reply.status) : reply.shouldRetry;
  if (shouldRetry !== null) headers['x-should-retry'] = String(shouldRetry);
  if (reply.retryAfterSeconds !== undefined) headers['retry-after'] = String(reply.retryAfterSeconds);
  const body = {
    type: 'error',
    error: { type: errorType, message: reply.message ?? `fake-anthropic: ${errorType} (${reply.status})` },
    request_id: requestId,
  };
  return { status: reply.status, headers, body: JSON.stringify(body) };
}
