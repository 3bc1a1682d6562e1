import { timingSafeEqual } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { bearerToken } from '../auth/authenticate.js';
import { sha256 } from '../auth/digest.js';
import { HttpError } from '../errors/http-error.js';
import type { MetricsConfig } from '../options/config-schema.js';
import type { ServerMetrics } from './server-metrics.js';

/** The path Prometheus scrapes. */
export const METRICS_PATH = '/metrics';

/**
 * GET /metrics in the Prometheus text format. It has its own token (API keys do not open it),
 * kept as a SHA-256 digest and compared in constant time; `public: true` serves it without one.
 */
export function registerMetricsRoute(router: Router, metrics: ServerMetrics, config: MetricsConfig): void {
  const digest =
    config.token_sha256 !== undefined
      ? Buffer.from(config.token_sha256, 'hex')
      : config.token !== undefined
        ? Buffer.from(sha256(config.token), 'hex')
        : undefined;
  router.get(METRICS_PATH, async (req: Request, res: Response) => {
    if (digest) {
      const token = bearerToken(req);
      if (!token || !timingSafeEqual(Buffer.from(sha256(token), 'hex'), digest)) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        throw new HttpError(
          401,
          'UNAUTHORIZED',
          'metrics need the metrics token: send Authorization: Bearer <token>',
        );
      }
    }
    const text = await metrics.registry.metrics();
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(text);
  });
}
