import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../errors/http-error.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type { KeyTable } from './key-table.js';
import type { Principal } from './principal.js';

/** The token of an `Authorization: Bearer <token>` header value, if any. */
function bearerTokenOf(authorization: string | undefined): string | undefined {
  const match = authorization ? /^Bearer\s+(.+)$/i.exec(authorization) : null;
  return match?.[1]?.trim() || undefined;
}

/** The token of `Authorization: Bearer <token>`, if any. */
export function bearerToken(req: Request): string | undefined {
  return bearerTokenOf(req.get('authorization'));
}

/** The key a request (or a WebSocket upgrade) presents: X-API-Key, else `Authorization: Bearer <key>`. */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['x-api-key'];
  return (typeof header === 'string' && header) || bearerTokenOf(headers.authorization);
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, 'UNAUTHORIZED', message);
}

/** The principal of a presented key (or of everyone with auth: none); 401 without a valid key. */
export function principalFor(keys: KeyTable, key: string | undefined): Principal {
  if (keys.anonymous) return keys.anonymous;
  if (!key) throw unauthorized('an API key is required: send X-API-Key or Authorization: Bearer <key>');
  const principal = keys.lookup(key);
  if (!principal) throw unauthorized('the API key is not valid');
  return principal;
}

/** Takes one request from the key's rate limit; 429 with Retry-After when none is left. */
export async function takeRateLimit(rateLimiter: RateLimiter, principal: Principal): Promise<void> {
  if (!principal.rateLimit) return;
  const outcome = await rateLimiter.take(principal.keyName ?? principal.tenant, principal.rateLimit);
  if (!outcome.allowed) {
    throw new HttpError(429, 'RATE_LIMITED', 'too many requests for this API key', {
      retryAfterMs: outcome.retryAfterMs,
    });
  }
}

/**
 * Finds the request's principal (401 without a valid key) and applies its rate limit (429), except
 * for requests `rateLimitedLater` leaves to a later step.
 */
export function authenticate(
  keys: KeyTable,
  rateLimiter: RateLimiter,
  rateLimitedLater: (req: Request) => boolean = () => false,
) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (!keys.anonymous) res.setHeader('WWW-Authenticate', 'Bearer');
    const principal = principalFor(keys, presentedKey(req.headers));
    res.removeHeader('WWW-Authenticate');
    if (!rateLimitedLater(req)) await takeRateLimit(rateLimiter, principal);
    res.locals.principal = principal;
    next();
  };
}

/** The principal `authenticate` found for this request. */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new Error('authenticate() did not run for this route');
  return principal;
}
