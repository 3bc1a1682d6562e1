import type { Request, Response, Router } from 'express';
import { chatRequestSchema } from '../api/request-schemas.js';
import { validate } from '../api/validate.js';
import { principalOf } from '../auth/authenticate.js';
import { chatResponseBody } from '../chat/response-body.js';
import { streamTurn } from '../chat/turn-stream.js';
import { SseWriter } from '../http/sse-writer.js';
import type { RouteContext } from './context.js';

/** An abort signal that fires when the client goes away before the response is complete. */
export function clientGone(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(new Error('the client closed the connection'));
  });
  return controller.signal;
}

/** An event stream for a turn, opened, with the server's heartbeat and buffer limit. */
export function openStream(ctx: RouteContext, res: Response, requestId: string | undefined): SseWriter {
  const sse = new SseWriter(res, {
    heartbeatMs: ctx.sseHeartbeatMs,
    bufferLimit: ctx.sseBufferLimit,
    // The client stopped reading: closing the response interrupts the turn, as a disconnect does.
    onOverflow: (bufferedBytes) =>
      ctx.logger.warn(
        { request_id: requestId, buffered_bytes: bufferedBytes, limit: ctx.sseBufferLimit },
        'stream closed: the client stopped reading',
      ),
  });
  sse.open();
  return sse;
}

/** POST /chat, /chat/stream and /chat/async. */
export function registerChatRoutes(router: Router, ctx: RouteContext): void {
  router.post('/chat', async (req: Request, res: Response) => {
    const body = validate(chatRequestSchema, req.body, 'body');
    const turn = await ctx.turns.prepare(principalOf(res), body, res.locals.requestId);
    const signal = clientGone(res);
    try {
      const response = await ctx.turns.run(turn, signal);
      res.json(chatResponseBody(response, turn.sessionId));
    } catch (error) {
      // Nobody is left to answer.
      if (!signal.aborted) throw error;
    }
  });

  router.post('/chat/stream', async (req: Request, res: Response) => {
    const body = validate(chatRequestSchema, req.body, 'body');
    const turn = await ctx.turns.prepare(principalOf(res), body, res.locals.requestId, true);
    // A full queue (or the key's every turn slot taken) is refused as a plain JSON 429; otherwise the
    // stream opens now, so a turn that waits for a slot gets keep-alives too, and whatever fails later
    // comes as an `error` event.
    await ctx.turns.admit(turn);
    const signal = clientGone(res);
    const sse = openStream(ctx, res, turn.requestId);
    try {
      await streamTurn(ctx.turns, turn, signal, (event) => sse.send(event.event, event.data));
    } finally {
      sse.end();
    }
  });

  router.post('/chat/async', async (req: Request, res: Response) => {
    const body = validate(chatRequestSchema, req.body, 'body');
    const turn = await ctx.turns.prepare(principalOf(res), body, res.locals.requestId, true);
    ctx.turns.checkAdmission(turn);
    const task = await ctx.tasks.submit(turn);
    res.status(202).location(`${req.baseUrl}/task/${task.taskId}`).json({
      task_id: task.taskId,
      status: task.status,
      message: 'Task submitted successfully',
    });
  });
}
