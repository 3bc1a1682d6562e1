import cors, { type CorsOptions } from 'cors';
import type { Request, RequestHandler } from 'express';

const OPTIONS: CorsOptions = {
  methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
  allowedHeaders: ['Content-Type', 'X-API-Key', 'Authorization', 'X-Request-Id'],
  exposedHeaders: ['X-Request-Id', 'Retry-After'],
  maxAge: 600,
  optionsSuccessStatus: 204,
};

/**
 * CORS (the `cors` package) for the configured origins only (`*` for any): a request from another
 * origin, or with none, passes on untouched; preflights of allowed origins are answered here.
 */
export function corsFor(origins: readonly string[]): RequestHandler {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return cors<Request>((req, callback) => {
    const origin = req.get('origin');
    if (!origin || !(any || allowed.has(origin))) return callback(null, { origin: false });
    callback(null, { ...OPTIONS, origin: any ? '*' : origin });
  });
}
