import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerHarness, startServerHarness } from './harness.js';

let h: ServerHarness;
let base: string;
let mounted: Server;

function urlOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  h = await startServerHarness();
  const server = await h.server();
  base = urlOf(await server.listen(0));
  // The same app mounted under a prefix, as an embedding application would.
  const outer = express();
  outer.use('/api', server.app);
  mounted = createHttpServer(outer);
  await new Promise<void>((resolve) => mounted.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => mounted?.close(resolve));
  await h?.close();
});

describe('GET / and the docs page, over HTTP', () => {
  it.each(['', '/api'])(
    'GET %s/ points to the docs page and the OpenAPI document, which answer',
    async (prefix) => {
      const origin = prefix ? urlOf(mounted) : base;
      const res = await fetch(`${origin}${prefix}/`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { name: string; docs: string; openapi: string; message: string };
      expect(body).toMatchObject({
        name: 'claude-code-server',
        docs: `${prefix}/docs`,
        openapi: `${prefix}/openapi.json`,
      });
      expect(body.message).toContain(body.docs);
      expect(body.message).toContain(body.openapi);

      const docs = await fetch(new URL(body.docs, origin));
      expect(docs.status).toBe(200);
      expect(docs.headers.get('content-type')).toMatch(/^text\/html/);
      const openapi = await fetch(new URL(body.openapi, origin));
      expect(openapi.status).toBe(200);
      expect(((await openapi.json()) as { openapi: string }).openapi).toBe('3.1.0');
    },
  );

  it.each(['/docs', '/docs/', '/api/docs', '/api/docs/'])(
    '%s: every file the page loads and the document it shows resolve from the page itself',
    async (path) => {
      const origin = path.startsWith('/api') ? urlOf(mounted) : base;
      const page = await fetch(`${origin}${path}`);
      expect(page.status).toBe(200);
      expect(page.url).toBe(`${origin}${path}`);
      const html = await page.text();

      // Resolved as a browser resolves them: against the page's own URL.
      const files = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+)"/g)].map(
        (match) => new URL(String(match[1]), page.url),
      );
      expect(files.map((file) => file.pathname.split('/').pop())).toEqual([
        'swagger-ui.css',
        'swagger-ui-bundle.js',
        'swagger-initializer.js',
      ]);
      for (const file of files) expect((await fetch(file)).status).toBe(200);

      // Swagger UI fetches the document from data-spec and links to it under the title.
      const spec = /data-spec="([^"]+)"/.exec(html)?.[1];
      expect(spec).toBeDefined();
      const document = await fetch(new URL(String(spec), page.url));
      expect(document.status).toBe(200);
      expect(((await document.json()) as { openapi: string }).openapi).toBe('3.1.0');
    },
  );
});

describe('the OpenAPI document: approvals, the WebSocket and attachments', () => {
  it('lists the permission endpoints, GET /ws, the new events and states, and their schemas', async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { description: string; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown>; anyOf?: unknown[] }> };
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/session/{session_id}/permissions',
        '/session/{session_id}/permissions/{request_id}',
        '/ws',
      ]),
    );
    expect(doc.paths['/ws']?.get?.responses).toHaveProperty('101');
    expect(doc.paths['/chat/stream']?.post?.description).toContain('permission_request');
    expect(doc.paths['/task/{task_id}']?.get?.description).toContain('waiting_for_approval');
    const { schemas } = doc.components;
    expect(Object.keys(schemas.PermissionRequest?.properties ?? {})).toEqual(
      expect.arrayContaining(['request_id', 'tool_name', 'input', 'session_id', 'expires_at']),
    );
    expect(schemas.Task?.properties).toHaveProperty('pending_permissions');
    expect(schemas.ChatRequest?.properties).toHaveProperty('attachments');
    expect(schemas.ChatRequest?.properties).toHaveProperty('wait_for_approval');
    expect(JSON.stringify(schemas.WsClientFrame)).toContain('"interrupt"');
    expect(JSON.stringify(schemas.WsServerFrame)).toContain('"accepted"');
    // The data of every stream event, by name, and named in the operation.
    for (const name of ['SessionEvent', 'InitEvent', 'DeltaEvent', 'ThinkingEvent', 'AssistantEvent']) {
      expect(schemas[name]?.properties, name).toBeDefined();
      expect(doc.paths['/chat/stream']?.post?.description).toContain(name);
    }
    expect(Object.keys(schemas.ToolResultEvent?.properties ?? {})).toEqual([
      'tool_use_id',
      'content',
      'is_error',
      'parent_tool_use_id',
    ]);
    expect(Object.keys(schemas.RetryEvent?.properties ?? {})).toContain('retry_delay_ms');
    expect(Object.keys(schemas.StreamErrorEvent?.properties ?? {})).toEqual(['success', 'error', 'status']);
  });
});
