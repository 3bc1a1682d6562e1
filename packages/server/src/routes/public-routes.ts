import type { Request, Response, Router } from 'express';
import { registerDocsRoutes } from '../openapi/docs-routes.js';
import { SERVER_VERSION } from '../version.js';
import type { RouteContext } from './context.js';

/** GET /health, /openapi.json and /docs: no API key needed. */
export function registerPublicRoutes(router: Router, ctx: RouteContext, openapi: unknown): void {
  router.get('/health', async (_req: Request, res: Response) => {
    const report = await ctx.health.check();
    const draining = ctx.isDraining();
    const problems = draining ? ['server: shutting down', ...report.problems] : report.problems;
    // Degraded still answers 200: the server works, its turns do not until the operator acts.
    const status = draining
      ? 'shutting_down'
      : report.healthy
        ? 'healthy'
        : report.degraded
          ? 'degraded'
          : 'unhealthy';
    res.status(status === 'healthy' || status === 'degraded' ? 200 : 503).json({
      status,
      version: SERVER_VERSION,
      claude_version: report.claudeVersion,
      store: report.storeOk ? 'ok' : 'unavailable',
      ...(problems.length > 0 ? { problems } : {}),
    });
  });

  router.get('/openapi.json', (_req: Request, res: Response) => {
    res.json(openapi);
  });

  registerDocsRoutes(router);
}
