import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { Request, Response, Router } from 'express';
import { SERVER_VERSION } from '../version.js';

// Swagger UI from the swagger-ui-dist package, served by this server: the page works offline and
// loads nothing from elsewhere (the validator badge, which would call out, is off).
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/**
 * The page at `/docs` or `/docs/`: its paths are relative to where it is served (files under
 * `/docs/`, the document at `/openapi.json`), so it also works where the app is mounted under a prefix.
 */
function page(atDirectory: boolean): string {
  const files = atDirectory ? '' : 'docs/';
  const spec = atDirectory ? '../openapi.json' : 'openapi.json';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>claude-code-server API</title>
<link rel="stylesheet" href="${files}swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-spec="${spec}"></div>
<script src="${files}swagger-ui-bundle.js"></script>
<script src="${files}swagger-initializer.js"></script>
</body>
</html>
`;
}

const INITIALIZER = `window.ui = SwaggerUIBundle({
  url: document.getElementById('swagger-ui').dataset.spec,
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  deepLinking: true,
  validatorUrl: null,
});
`;

/** Swagger UI needs its inline styles and data: images; scripts and requests stay on this server. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The files of swagger-ui-dist the page loads; nothing else of the package is served. */
const ASSET_FILES = new Set(['swagger-ui.css', 'swagger-ui-bundle.js']);

/** GET / (where the API is described), GET /docs (Swagger UI on /openapi.json) and its files, under /docs/. */
export function registerDocsRoutes(router: Router): void {
  router.get('/', (req: Request, res: Response) => {
    const docs = `${req.baseUrl}/docs`;
    const openapi = `${req.baseUrl}/openapi.json`;
    res.json({
      name: 'claude-code-server',
      version: SERVER_VERSION,
      message: `the API is described at ${docs} (Swagger UI) and ${openapi} (OpenAPI 3.1)`,
      docs,
      openapi,
    });
  });
  router.get('/docs', (req: Request, res: Response) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.type('html').send(page(req.path.endsWith('/')));
  });
  router.get('/docs/swagger-initializer.js', (_req: Request, res: Response) => {
    res.type('js').send(INITIALIZER);
  });
  router.get('/docs/:asset', (req: Request, res: Response, next) => {
    const file = String(req.params.asset);
    if (!ASSET_FILES.has(file)) return next();
    // `root`: the package sits under node_modules/.pnpm, a dot directory send() would refuse.
    res.sendFile(file, { root: SWAGGER_UI_DIR, maxAge: '1d' });
  });
}
