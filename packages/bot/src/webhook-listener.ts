import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClaudeBot } from './claude-bot.js';

/** Where the webhook routes live: `<basePath>/<platform>` (default `/webhooks/slack`, `/webhooks/discord`...). */
export interface WebhookListenerOptions {
  basePath?: string;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The raw request as a web `Request`: signatures are checked on the exact bytes the platform sent. */
async function toWebRequest(req: IncomingMessage): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req);
  return new Request(url, { method: req.method, headers, body });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** The platform a path names, or undefined when it is not a webhook route. */
export function webhookPlatform(path: string, basePath = '/webhooks'): string | undefined {
  const prefix = `${basePath.replace(/\/+$/, '')}/`;
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  return /^[A-Za-z0-9_-]+$/.test(rest) ? rest : undefined;
}

/** The methods passed to the adapters: WeCom's and WeChat's callback URL verification is a GET. */
const WEBHOOK_METHODS = ['GET', 'HEAD', 'POST'];

/**
 * A Node `http` request listener serving the bot's webhook routes (`<basePath>/<platform>`); a
 * minimal bridge from Node's request to the web `Request` Chat SDK takes, so no framework is needed.
 * GET, HEAD and POST go to the platform's adapter, which answers what it does not handle (a GET
 * echostr check on WeCom and Official Accounts, an error elsewhere); other methods get 405.
 * Any other path gets 404, and `next` (when given, e.g. Express's) gets the request instead.
 */
export function webhookRequestListener(bot: ClaudeBot, options: WebhookListenerOptions = {}) {
  return (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void): void => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const platform = webhookPlatform(path, options.basePath);
    if (!platform || !bot.platforms.includes(platform)) {
      if (next) next();
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    if (!WEBHOOK_METHODS.includes(req.method ?? '')) {
      res
        .writeHead(405, { allow: WEBHOOK_METHODS.join(', '), 'content-type': 'text/plain' })
        .end('webhooks take GET or POST');
      return;
    }
    toWebRequest(req)
      .then((request) => bot.handleWebhook(platform, request))
      .then((response) => send(res, response))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('webhook failed');
      });
  };
}
