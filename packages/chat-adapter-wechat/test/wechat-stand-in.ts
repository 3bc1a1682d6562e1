import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A call the bot made to the stand-in, past the access_token check. */
export interface WeChatApiCall {
  path: string;
  body: Record<string, unknown>;
}

/**
 * A local stand-in of the WeChat API family, following the documented endpoints and answers: WeCom's
 * `gettoken`, `message/send`, `message/update_template_card`; the Official Account's `token`,
 * `message/custom/send`, `message/custom/typing`. A wrong access_token answers 40014, one made stale by
 * `expireToken()` answers 42001, as the platforms do.
 */
export async function startWeChatStandIn(credentials: { id: string; secret: string }) {
  const calls: WeChatApiCall[] = [];
  let tokenRequests = 0;
  let token = '';
  let staleToken = '';
  let nextMsgId = 1;
  const server = createServer((request, response) => {
    void route(request, response).catch((error) => reply(response, { errcode: -1, errmsg: String(error) }));
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    if (
      request.method === 'GET' &&
      (url.pathname === '/cgi-bin/gettoken' || url.pathname === '/cgi-bin/token')
    ) {
      const wecom = url.pathname === '/cgi-bin/gettoken';
      const id = url.searchParams.get(wecom ? 'corpid' : 'appid');
      const secret = url.searchParams.get(wecom ? 'corpsecret' : 'secret');
      if (!wecom && url.searchParams.get('grant_type') !== 'client_credential') {
        return reply(response, { errcode: 40002, errmsg: 'invalid grant_type' });
      }
      if (id !== credentials.id)
        return reply(response, { errcode: wecom ? 40013 : 40013, errmsg: 'invalid appid' });
      if (secret !== credentials.secret)
        return reply(response, { errcode: wecom ? 40001 : 40125, errmsg: 'invalid secret' });
      tokenRequests++;
      token = `token-${tokenRequests}`;
      return reply(response, {
        ...(wecom ? { errcode: 0, errmsg: 'ok' } : {}),
        access_token: token,
        expires_in: 7200,
      });
    }
    const given = url.searchParams.get('access_token');
    if (given && given === staleToken)
      return reply(response, { errcode: 42001, errmsg: 'access_token expired' });
    if (!given || given !== token) return reply(response, { errcode: 40014, errmsg: 'invalid access_token' });
    const body = await readJson(request);
    calls.push({ path: url.pathname, body });
    switch (url.pathname) {
      case '/cgi-bin/message/send':
        return reply(response, { errcode: 0, errmsg: 'ok', invaliduser: '', msgid: `msg-${nextMsgId++}` });
      case '/cgi-bin/message/update_template_card':
        return reply(response, { errcode: 0, errmsg: 'ok', invaliduser: [] });
      case '/cgi-bin/message/custom/send':
      case '/cgi-bin/message/custom/typing':
        return reply(response, { errcode: 0, errmsg: 'ok' });
      default:
        return reply(response, { errcode: 404, errmsg: `no such API ${url.pathname}` });
    }
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    /** The calls to one API, in order. */
    callsTo: (path: string) => calls.filter((call) => call.path === path),
    tokenRequests: () => tokenRequests,
    /** Makes the current access_token expired, as if its 7200 s had passed. */
    expireToken: () => {
      staleToken = token;
      token = '';
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

function reply(response: ServerResponse, body: unknown): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
