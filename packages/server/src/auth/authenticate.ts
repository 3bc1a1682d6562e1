import type { NextFunction, Request, Response } from 'express';
import { HttpError } from '../errors/http-error.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type { KeyTable } from './key-table.js';
import type { Principal } from './principal.js';

/** The token of `Authorization: Bearer <token>`, if any. */
export function bearerToken(req: Request): string | undefined {
  const authorization = req.get('authorization');
  const match = authorization ? /^Bearer\s+(.+)$/i.exec(authorization) : null;
  return match?.[1]?.trim() || undefined;
}

/** The key a request presents: X-API-Key, else `Authorization: Bearer <key>`. */
function presentedKey(req: Request): string | undefined {
  return req.get('x-api-key') || bearerToken(req);
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, 'UNAUTHORIZED', message);
}

/** Finds the request's principal (401 without a valid key) and applies its rate limit (429). */
export function authenticate(keys: KeyTable, rateLimiter: RateLimiter) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    let principal = keys.anonymous;
    if (!principal) {
      const key = presentedKey(req);
      res.setHeader('WWW-Authenticate', 'Bearer');
      if (!key) throw unauthorized('an API key is required: send X-API-Key or Authorization: Bearer <key>');
      principal = keys.lookup(key);
      if (!principal) throw unauthorized('the API key is not valid');
      res.removeHeader('WWW-Authenticate');
    }
    if (principal.rateLimit) {
      const outcome = await rateLimiter.take(principal.keyName ?? principal.tenant, principal.rateLimit);
      if (!outcome.allowed) {
        throw new HttpError(429, 'RATE_LIMITED', 'too many requests for this API key', {
          retryAfterMs: outcome.retryAfterMs,
        });
      }
    }
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
