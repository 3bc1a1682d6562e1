import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';

/** The directory of the console's built files (index.html and assets/), as `vite build` writes it. */
export const consoleAssetsDir: string = fileURLToPath(new URL('../static/', import.meta.url));

/**
 * The page may load only its own files and talk only to the server it came from: nothing from
 * another host, no inline script, not framed.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  next();
}

/**
 * A router serving the console (mount it at `/console`): its files, and index.html for any other
 * GET that asks for a page (so a reload on a deep link works). Missing assets stay 404.
 */
export function consoleRouter(assetsDir: string = consoleAssetsDir): Router {
  const indexFile = join(assetsDir, 'index.html');
  if (!existsSync(indexFile)) {
    throw new Error(`the console is not built: ${indexFile} is missing (run the console package's build)`);
  }
  const router = express.Router();
  router.use(securityHeaders);
  // Hashed asset names never change content: cache them; index.html is always revalidated.
  router.use(
    '/assets',
    express.static(join(assetsDir, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }),
  );
  router.use(express.static(assetsDir, { index: 'index.html', cacheControl: true, maxAge: 0 }));
  router.get('/{*rest}', (req: Request, res: Response, next: NextFunction) => {
    if (!req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexFile);
  });
  return router;
}

/**
 * An Express app serving the console at `/console` (and redirecting `/console` to `/console/`) and
 * passing every other request to `api`, e.g. the app of `createServer`.
 */
export function createConsoleApp(
  api: (req: Request, res: Response, next: NextFunction) => void,
  assetsDir: string = consoleAssetsDir,
): Express {
  const app = express();
  app.disable('x-powered-by');
  // strict routing: /console and /console/ are told apart, so relative links resolve under /console/.
  app.get('/console', (req: Request, res: Response, next: NextFunction) => {
    if (req.path !== '/console') return next();
    res.redirect(301, '/console/');
  });
  app.use('/console', consoleRouter(assetsDir));
  app.use(api);
  return app;
}
