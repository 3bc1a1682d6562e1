import type { NextFunction, Request, Response } from 'express';
import { principalOf, takeRateLimit } from '../auth/authenticate.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import { FORWARDED_BY_HEADER, type SessionAffinity } from './session-affinity.js';

/** The routes whose turns go to the session's node: the native chat answers, whole and streamed. */
const AFFINITY_PATHS = new Set(['/chat', '/chat/stream']);

/** Requests whose rate limit the affinity middleware takes (authenticate leaves it), on the node that answers. */
export function answeredWhereTheSessionIs(req: Request): boolean {
  return req.method === 'POST' && AFFINITY_PATHS.has(req.path);
}

/**
 * Sends a chat request to the node that ran its session's last turn, unless it came from another
 * node or that node cannot take it; a request answered here takes the key's rate limit here, so a
 * forwarded one is counted once, by the node that answers it.
 */
export function affinityMiddleware(affinity: SessionAffinity, rateLimiter: RateLimiter) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    if (!answeredWhereTheSessionIs(req)) return next();
    const principal = principalOf(res);
    if (req.get(FORWARDED_BY_HEADER) !== undefined) {
      // Tells the sending node this one has the request: from now on it must not answer it itself.
      res.writeProcessing();
    } else {
      const owner = await affinity.ownerOf(principal, req.body);
      if (owner !== undefined) {
        try {
          res.locals.forwardedTo = owner;
          if ((await affinity.forward(req, res, owner)) === 'forwarded') return;
          res.locals.forwardedTo = undefined;
        } catch (error) {
          // A client that left needs no answer.
          if (res.destroyed || res.writableEnded) return;
          throw error;
        }
      }
    }
    await takeRateLimit(rateLimiter, principal);
    next();
  };
}
