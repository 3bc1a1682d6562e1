import type { ServerResponse } from 'node:http';
import { buildErrorResponse } from './errors.js';
import { buildMessage, buildStreamEvents, fakeId, formatSse } from './message-builder.js';
import type { FakeReply } from './types.js';

export interface RespondContext {
  model: string;
  stream: boolean;
  inputTokens: number;
}

/** Resolves after ms, or at once when the response has closed. */
function pause(ms: number, res: ServerResponse): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.once('close', done);
  });
}

function sseHeaders(res: ServerResponse, requestId: string): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'request-id': requestId,
  });
  res.flushHeaders();
}

/** Writes a FakeReply as the answer to one /v1/messages request. */
export async function respondWithReply(res: ServerResponse, reply: FakeReply, ctx: RespondContext) {
  const requestId = fakeId('req');
  switch (reply.type) {
    case 'hang':
      return; // the response stays open until the client leaves or the server closes
    case 'drop':
      if (ctx.stream) {
        sseHeaders(res, requestId);
        const [start] = buildStreamEvents({ type: 'text', text: '' }, ctx.model, ctx.inputTokens);
        if (start) res.write(formatSse(start));
        setTimeout(() => res.socket?.destroy(), 10);
      } else {
        res.socket?.destroy();
      }
      return;
    case 'error': {
      const { status, headers, body } = buildErrorResponse(reply, requestId);
      res.writeHead(status, headers).end(body);
      return;
    }
    default: {
      if (!ctx.stream) {
        const message = buildMessage(reply, ctx.model, ctx.inputTokens);
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId });
        res.end(JSON.stringify(message));
        return;
      }
      sseHeaders(res, requestId);
      for (const event of buildStreamEvents(reply, ctx.model, ctx.inputTokens)) {
        await pause(event.delayMs, res);
        if (res.destroyed || res.writableEnded) return;
        res.write(formatSse(event));
      }
      res.end();
    }
  }
}
