import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { authenticate } from '../auth/authenticate.js';
import type { KeyTable } from '../auth/key-table.js';
import { affinityMiddleware, answeredWhereTheSessionIs } from '../cluster/affinity-middleware.js';
import type { SessionAffinity } from '../cluster/session-affinity.js';
import { errorMiddleware } from '../errors/error-middleware.js';
import { HttpError } from '../errors/http-error.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import { httpMetrics } from '../metrics/http-metrics.js';
import { registerMetricsRoute } from '../metrics/metrics-route.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import { sendOpenAiError } from '../openai/openai-error.js';
import { type OpenAiSettings, registerOpenAiRoutes } from '../openai/openai-routes.js';
import type { MetricsConfig } from '../options/config-schema.js';
import { registerChatRoutes } from '../routes/chat-routes.js';
import type { RouteContext } from '../routes/context.js';
import { registerPermissionRoutes } from '../routes/permission-routes.js';
import { registerPublicRoutes } from '../routes/public-routes.js';
import { registerSessionRoutes } from '../routes/session-routes.js';
import { registerTaskRoutes } from '../routes/task-routes.js';
import { corsFor } from './cors-options.js';
import { requestLog } from './request-log.js';

/** Paths that need an API key (everything but health and the docs). */
const PROTECTED_PATH = /^\/(chat|task|session|sessions|v1)(\/|$)/;

export interface AppSettings {
  keys: KeyTable;
  /** The per-key request limits (shared with the WebSocket endpoint). */
  rateLimiter: RateLimiter;
  corsOrigins: readonly string[];
  bodyLimit: number | string;
  openapi: unknown;
  /** GET /metrics and the HTTP series (absent: metrics are off); `routes` are the path templates counted. */
  metrics?: { metrics: ServerMetrics; config: MetricsConfig; routes: readonly string[] };
  /** The OpenAI-compatible routes under /v1 (absent: off). */
  openai?: OpenAiSettings;
  /** Chat requests go to their session's node (absent: every request is answered here). */
  affinity?: SessionAffinity;
}

/**
 * The Express app: request id and access log first, then CORS, the shutdown gate, the public routes,
 * authentication (before any body is read), the JSON body, session affinity (a chat request goes to
 * its session's node), the API routes, 404 and the error shape.
 */
export function buildApp(ctx: RouteContext, settings: AppSettings): Express {
  const app = express();
  app.disable('x-powered-by');
  if (settings.metrics) app.use(httpMetrics(settings.metrics.metrics, settings.metrics.routes));
  app.use(requestLog(ctx.logger));
  if (settings.corsOrigins.length > 0) app.use(corsFor(settings.corsOrigins));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!ctx.isDraining() || req.path === '/health') return next();
    res.setHeader('Connection', 'close');
    throw new HttpError(503, 'SHUTTING_DOWN', 'the server is shutting down', { retryAfterMs: 5_000 });
  });
  const publicRouter = express.Router();
  registerPublicRoutes(publicRouter, ctx, settings.openapi);
  if (settings.metrics) registerMetricsRoute(publicRouter, settings.metrics.metrics, settings.metrics.config);
  app.use(publicRouter);
  const { affinity } = settings;
  const auth = authenticate(settings.keys, settings.rateLimiter, affinity && answeredWhereTheSessionIs);
  app.use((req: Request, res: Response, next: NextFunction) =>
    PROTECTED_PATH.test(req.path) ? auth(req, res, next) : next(),
  );
  app.use(express.json({ limit: settings.bodyLimit, type: ['application/json', 'application/*+json'] }));
  if (affinity) app.use(affinityMiddleware(affinity, settings.rateLimiter));
  const apiRouter = express.Router();
  registerChatRoutes(apiRouter, ctx);
  registerTaskRoutes(apiRouter, ctx);
  registerSessionRoutes(apiRouter, ctx);
  registerPermissionRoutes(apiRouter, ctx);
  if (settings.openai) registerOpenAiRoutes(apiRouter, ctx, settings.openai);
  app.use(apiRouter);
  app.use((req: Request) => {
    throw new HttpError(404, 'NOT_FOUND', `no route ${req.method} ${req.path}`);
  });
  // Under /v1 (also a 401, a 429 or a 404 there) errors answer in OpenAI's shape.
  if (settings.openai) app.use('/v1', errorMiddleware(ctx.logger, sendOpenAiError));
  app.use(errorMiddleware(ctx.logger));
  return app;
}
