import type { ErrorCode } from '@claude-code-server/errors';
import { abortedError, type ClaudeCodeServerClientError } from './errors.js';

/** How the client retries answers that say "come back later" (429 and 503 with Retry-After). */
export interface RetryOptions {
  /** Retries after the first attempt (default 2); 0 turns retrying off. */
  maxRetries?: number;
  /** A Retry-After longer than this is not waited for: the error is thrown at once (default 30000). */
  maxDelayMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { maxRetries: 2, maxDelayMs: 30_000 };

/**
 * Codes the server answers before it accepts a message (the key's rate or its turns at once, a full queue, shutdown):
 * nothing was stored or run, so a POST may be sent again. Any other 429/503 of a POST (a turn that
 * failed after it was accepted) is thrown, so a message is never sent twice.
 */
export const REFUSED_BEFORE_ACCEPTED: readonly ErrorCode[] = [
  'RATE_LIMITED',
  'CONCURRENCY_LIMITED',
  'SERVER_BUSY',
  'AGENT_BUSY',
  'SHUTTING_DOWN',
];

const RETRIED_STATUSES = new Set([429, 503]);

/**
 * How long to wait before sending the request again, or undefined to throw `error`. Only answers
 * with Retry-After are retried: the server sets it where waiting helps (not on a CLI without
 * credentials, which an operator must fix).
 */
export function retryDelay(
  error: ClaudeCodeServerClientError,
  retriesSoFar: number,
  idempotent: boolean,
  options: Required<RetryOptions>,
): number | undefined {
  if (retriesSoFar >= options.maxRetries) return undefined;
  if (error.status === undefined || !RETRIED_STATUSES.has(error.status)) return undefined;
  if (error.retryAfterMs === undefined || error.retryAfterMs > options.maxDelayMs) return undefined;
  if (!idempotent && !(REFUSED_BEFORE_ACCEPTED as readonly string[]).includes(error.code)) return undefined;
  // Up to a tenth more than asked, so clients refused together do not all come back at once.
  return error.retryAfterMs + Math.random() * 0.1 * error.retryAfterMs;
}

/** Resolves after `ms`, or rejects with AbortedError when the signal fires first. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
