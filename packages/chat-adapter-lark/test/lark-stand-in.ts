import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message the bot sent, as the stand-in received it. */
export interface SentLarkMessage {
  kind: 'create' | 'reply' | 'patch';
  messageId: string;
  /** The chat (create), or the message replied to / patched. */
  target: string;
  replyInThread?: boolean;
  msgType?: string;
  /** The card, parsed from the `content` string. */
  card: { header?: { title: { content: string } }; elements: CardElement[] };
}

type CardElement = {
  tag: string;
  content?: string;
  actions?: { text: { content: string }; value?: unknown }[];
};

/**
 * A local stand-in of the Feishu/Lark Open API, following its documented payloads: the tenant access
 * token of an internal app, the bot's info, a user's name, sending, replying to and updating messages. Calls without the
 * current token are refused with code 99991663 as Lark does.
 */
export async function startLarkStandIn(
  app: { appId: string; appSecret: string; botOpenId: string },
  /** Names the contact API knows, by open_id; others answer as for an app without the contact scope. */
  users: Record<string, string> = {},
) {
  const sent: SentLarkMessage[] = [];
  let tokenRequests = 0;
  let token = '';
  let nextId = 1;
  const server = createServer((request, response) => {
    void route(request, response).catch((error) => reply(response, 500, { code: 1, msg: String(error) }));
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const body = await readJson(request);
    if (url.pathname === '/open-apis/auth/v3/tenant_access_token/internal' && request.method === 'POST') {
      if (body.app_id !== app.appId || body.app_secret !== app.appSecret) {
        return reply(response, 400, { code: 10014, msg: 'app secret invalid' });
      }
      tokenRequests++;
      token = `t-${tokenRequests}`;
      return reply(response, 200, { code: 0, msg: 'ok', tenant_access_token: token, expire: 7200 });
    }
    if (request.headers.authorization !== `Bearer ${token}` || token === '') {
      return reply(response, 400, { code: 99991663, msg: 'Invalid access token for authorization.' });
    }
    if (url.pathname === '/open-apis/bot/v3/info' && request.method === 'GET') {
      return reply(response, 200, {
        code: 0,
        msg: 'ok',
        bot: { open_id: app.botOpenId, app_name: 'Claude' },
      });
    }
    const userMatch = /^\/open-apis\/contact\/v3\/users\/([^/]+)$/.exec(url.pathname);
    if (userMatch && request.method === 'GET') {
      const name = users[userMatch[1] ?? ''];
      if (url.searchParams.get('user_id_type') !== 'open_id' || !name) {
        return reply(response, 400, { code: 41050, msg: 'no user authority error' });
      }
      return reply(response, 200, {
        code: 0,
        msg: 'success',
        data: { user: { open_id: userMatch[1], name } },
      });
    }
    const replyMatch = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(url.pathname);
    const messageMatch = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/.exec(url.pathname);
    if (url.pathname === '/open-apis/im/v1/messages' && request.method === 'POST') {
      if (url.searchParams.get('receive_id_type') !== 'chat_id') {
        return reply(response, 400, { code: 230001, msg: 'receive_id_type is required' });
      }
      return record(response, 'create', String(body.receive_id), body);
    }
    if (replyMatch && request.method === 'POST') return record(response, 'reply', replyMatch[1] ?? '', body);
    if (messageMatch && request.method === 'PATCH') {
      sent.push({
        kind: 'patch',
        messageId: messageMatch[1] ?? '',
        target: messageMatch[1] ?? '',
        card: JSON.parse(String(body.content)),
      });
      return reply(response, 200, { code: 0, msg: 'success', data: {} });
    }
    return reply(response, 404, { code: 404, msg: `no route ${request.method} ${url.pathname}` });
  }

  function record(
    response: ServerResponse,
    kind: 'create' | 'reply',
    target: string,
    body: Record<string, unknown>,
  ) {
    if (body.msg_type !== 'interactive' && body.msg_type !== 'text') {
      return reply(response, 400, { code: 230001, msg: 'invalid msg_type' });
    }
    const messageId = `om_sent_${nextId++}`;
    sent.push({
      kind,
      messageId,
      target,
      msgType: String(body.msg_type),
      card: JSON.parse(String(body.content)),
      ...(kind === 'reply' ? { replyInThread: body.reply_in_thread === true } : {}),
    });
    return reply(response, 200, {
      code: 0,
      msg: 'success',
      data: { message_id: messageId, chat_id: target },
    });
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    tokenRequests: () => tokenRequests,
    /** Makes the current token invalid before its time, as Lark may (code 99991663). */
    revokeToken: () => {
      token = `revoked-${token}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
