import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.js';
import { apiRetryError } from './retry-policy.js';

/** An api_retry event as mapCliMessage makes it. */
function retry(attempt: number, errorStatus: number | null, error = 'overloaded_error') {
  return { type: 'api_retry' as const, attempt, maxRetries: 10, errorStatus, error, retryDelayMs: 500 };
}

describe('apiRetryError (one policy for one-shot runs and warm sessions)', () => {
  it.each([401, 403])('stops at the first retry of a %i: an auth error, not worth waiting for', (status) => {
    const error = apiRetryError(retry(1, status, 'authentication_failed'), undefined);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status, isAuthError: true });
    expect(error?.message).toContain('authentication_failed');
  });

  it('lets other failures retry under the CLI policy when maxApiRetries is not set', () => {
    expect(apiRetryError(retry(9, 529), undefined)).toBeUndefined();
    expect(apiRetryError(retry(1, null, 'connection_error'), undefined)).toBeUndefined();
  });

  it('gives up once the CLI announces more retries than maxApiRetries, naming the option', () => {
    expect(apiRetryError(retry(2, 529), 2)).toBeUndefined();
    const error = apiRetryError(retry(3, 529), 2);
    expect(error).toMatchObject({ status: 529, isAuthError: false });
    expect(error?.message).toContain('overloaded_error; gave up after 2 retries (maxApiRetries)');
    expect(apiRetryError(retry(1, null, ''), 0)?.message).toContain(
      'request failed; gave up after 0 retries',
    );
  });
});
