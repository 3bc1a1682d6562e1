import type { NextFunction, Request, Response } from 'express';
import type { ServerMetrics } from './server-metrics.js';

/** Requests whose path is none of the API's are counted under this route (keeps the labels bounded). */
export const OTHER_ROUTE = 'other';

/** Matches a request path to one of the API's path templates (`/task/{task_id}`), else `other`. */
export function routeMatcher(templates: readonly string[]): (path: string) => string {
  const matchers = templates.map((template) => {
    const source = template
      .split(/\{[^}]+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+');
    return { template, pattern: new RegExp(`^${source}/?$`) };
  });
  return (path) => matchers.find(({ pattern }) => pattern.test(path))?.template ?? OTHER_ROUTE;
}

/**
 * Counts every request by method, route template and status when its response ends or is cut off.
 * The path is read when the request arrives (relative to where the app is mounted).
 */
export function httpMetrics(metrics: ServerMetrics, templates: readonly string[]) {
  const routeOf = routeMatcher(templates);
  return (req: Request, res: Response, next: NextFunction): void => {
    const start = process.hrtime.bigint();
    const route = routeOf(req.path);
    let counted = false;
    const count = () => {
      if (counted) return;
      counted = true;
      metrics.request(req.method, route, res.statusCode, Number(process.hrtime.bigint() - start) / 1e9);
    };
    res.on('finish', count);
    res.on('close', count);
    next();
  };
}
