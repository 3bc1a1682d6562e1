import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call a stand-in received: method, path, and the parsed body (JSON or form fields). */
export interface RecordedCall {
  method: string;
  path: string;
  body: Record<string, unknown>;
  headers: IncomingMessage['headers'];
}

export type Route = (call: RecordedCall) => { status?: number; body?: unknown } | undefined;

/** A local HTTP server standing in for a chat platform's API: records every call and answers by `route`. */
export interface HttpStandIn {
  url: string;
  calls: RecordedCall[];
  close(): Promise<void>;
}

function parseBody(text: string, type: string | undefined): Record<string, unknown> {
  if (!text) return {};
  if (type?.includes('application/json')) return JSON.parse(text) as Record<string, unknown>;
  if (type?.includes('application/x-www-form-urlencoded')) {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(text)) {
      // Slack's client JSON-encodes object arguments (blocks) inside the form.
      fields[key] = /^[[{]/.test(value) ? safeJson(value) : value;
    }
    return fields;
  }
  return { raw: text };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startHttpStandIn(route: Route): Promise<HttpStandIn> {
  const calls: RecordedCall[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stand-in');
      const call: RecordedCall = {
        method: req.method ?? 'GET',
        path: url.pathname,
        body: parseBody(Buffer.concat(chunks).toString('utf8'), req.headers['content-type']),
        headers: req.headers,
      };
      calls.push(call);
      const answer = route(call) ?? { status: 404, body: { message: 'Not Found' } };
      const status = answer.status ?? 200;
      if (answer.body === undefined) {
        res.writeHead(status).end();
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
