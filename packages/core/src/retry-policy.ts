import { ApiError } from './errors.js';
import type { ClaudeEvent } from './events.js';

/**
 * The error an `api_retry` announcement calls for, or undefined to let the CLI retry: auth failures
 * (401, 403) never get better by waiting, and `maxApiRetries` caps the CLI's own policy.
 */
export function apiRetryError(
  event: Extract<ClaudeEvent, { type: 'api_retry' }>,
  maxApiRetries: number | undefined,
): ApiError | undefined {
  if (event.errorStatus === 401 || event.errorStatus === 403) {
    return new ApiError(event.errorStatus, `authentication failed (${event.error}); not retrying`);
  }
  if (maxApiRetries !== undefined && event.attempt > maxApiRetries) {
    return new ApiError(
      event.errorStatus,
      `${event.error || 'request failed'}; gave up after ${maxApiRetries} retries (maxApiRetries)`,
    );
  }
  return undefined;
}
