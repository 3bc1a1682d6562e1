import { randomUUID } from 'node:crypto';
import type { AgentResponse } from '@claude-code-server/agent';
import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import { projectNameSchema, sessionIdSchema, userIdSchema } from '../api/request-schemas.js';
import { validate } from '../api/validate.js';
import { principalOf } from '../auth/authenticate.js';
import type { PreparedTurn, TurnEvent } from '../chat/turn-service.js';
import { badRequest, HttpError } from '../errors/http-error.js';
import { statusOf, toHttpError } from '../errors/map-error.js';
import { safeParsePlain } from '../options/zod-issues.js';
import { checkUserAccess } from '../policy/turn-policy.js';
import { clientGone, openStream } from '../routes/chat-routes.js';
import type { RouteContext } from '../routes/context.js';
import { type CompletionIdentity, chunkBody, completionBody } from './completion-body.js';
import { type CompletionRequest, completionRequestSchema, conversationOf } from './completion-request.js';
import type { ModelNames } from './model-names.js';
import { openAiErrorBody } from './openai-error.js';
import { turnInput } from './turn-input.js';

export interface OpenAiSettings {
  models: ModelNames;
  /** The user of requests that name none. */
  defaultUser: string;
}

/** A value checked with a schema of the chat API; a 400 names `field` (a body field or a header). */
function checked<S extends z.ZodType>(schema: S, value: string, field: string): z.output<S> {
  const parsed = safeParsePlain(schema, value);
  if (!parsed.success) throw badRequest(field, parsed.error.issues[0]?.message ?? 'is invalid');
  return parsed.data;
}

function headerValue<S extends z.ZodType>(req: Request, name: string, schema: S): z.output<S> | undefined {
  const value = req.get(name);
  return value === undefined ? undefined : checked(schema, value, name);
}

/** The user a request acts for: the `user` field, else X-User-Id, else the configured default. */
function userOf(req: Request, body: CompletionRequest, defaultUser: string): string {
  if (body.user !== undefined) return checked(userIdSchema, body.user, 'user');
  return (
    headerValue(req, 'X-User-Id', userIdSchema) ?? checked(userIdSchema, defaultUser, 'openai.default_user')
  );
}

/** An error result of the CLI (max turns, budget...) is an error here: OpenAI clients have no `success`. */
function errorResult(response: AgentResponse): HttpError | undefined {
  if (response.success) return undefined;
  const code = response.error?.code ?? 'EXECUTION_ERROR';
  return new HttpError(
    statusOf('API_ERROR'),
    'API_ERROR',
    `the turn ended without an answer (${code}): ${response.error?.message ?? ''}`.trim(),
    {
      details: { result_code: code },
    },
  );
}

/** Checks a completion request and prepares its turn with the server's one policy (TurnService). */
async function prepare(
  ctx: RouteContext,
  settings: OpenAiSettings,
  req: Request,
  res: Response,
): Promise<{ turn: PreparedTurn; body: CompletionRequest; identity: CompletionIdentity }> {
  const body = validate(completionRequestSchema, req.body, 'body');
  const conversation = conversationOf(body);
  const model = settings.models.resolve(body.model);
  const principal = principalOf(res);
  const userId = userOf(req, body, settings.defaultUser);
  // The key's user check comes before any of the user's sessions is read.
  checkUserAccess(principal, userId);
  const requestedSession = headerValue(req, 'X-Session-Id', sessionIdSchema);
  const project = headerValue(req, 'X-Project', projectNameSchema);
  const input = await turnInput({
    store: ctx.store,
    principal,
    userId,
    requestedSession,
    project,
    conversation,
  });
  const config = {
    ...(model !== undefined ? { model } : {}),
    ...(conversation.system !== undefined ? { append_system_prompt: conversation.system } : {}),
  };
  const turn = await ctx.turns.prepare(
    principal,
    {
      message: input.message,
      user_id: userId,
      session_id: input.sessionId,
      ...(project !== undefined ? { project } : {}),
      ...(Object.keys(config).length > 0 ? { config } : {}),
    },
    res.locals.requestId,
  );
  turn.meta = input.meta;
  res.setHeader('X-Session-Id', input.sessionId);
  const identity = {
    id: `chatcmpl-${randomUUID()}`,
    created: Math.floor(Date.now() / 1000),
    model: body.model,
  };
  return { turn, body, identity };
}

/** Streams a turn as OpenAI chunks: the role, each text delta, the finish reason, the usage if asked, [DONE]. */
async function streamTurn(
  ctx: RouteContext,
  res: Response,
  turn: PreparedTurn,
  body: CompletionRequest,
  identity: CompletionIdentity,
): Promise<void> {
  const signal = clientGone(res);
  const sse = openStream(ctx, res, turn.requestId);
  sse.sendData(chunkBody(identity, { delta: { role: 'assistant', content: '' } }));
  // Text of the turn's messages in order; a message after tools starts on a new paragraph.
  let wrote = false;
  let messageEnded = false;
  const onEvent = (event: TurnEvent) => {
    if (event.type === 'assistant' && event.parentToolUseId === null) messageEnded = true;
    if (event.type !== 'text_delta' || event.parentToolUseId !== null || event.text === '') return;
    const text = wrote && messageEnded ? `\n\n${event.text}` : event.text;
    wrote = true;
    messageEnded = false;
    sse.sendData(chunkBody(identity, { delta: { content: text } }));
  };
  try {
    const response = await ctx.turns.run(turn, signal, onEvent);
    const failure = errorResult(response);
    if (failure) {
      sse.sendData(openAiErrorBody(failure));
      return;
    }
    sse.sendData(chunkBody(identity, { delta: {}, finish: 'stop' }));
    if (body.stream_options?.include_usage) sse.sendData(chunkBody(identity, { usage: response.usage }));
    sse.sendData('[DONE]');
  } catch (error) {
    if (signal.aborted) return;
    sse.sendData(openAiErrorBody(toHttpError(error)));
  } finally {
    sse.end();
  }
}

/** POST /v1/chat/completions, GET /v1/models and GET /v1/models/{model} (OpenAI-compatible). */
export function registerOpenAiRoutes(router: Router, ctx: RouteContext, settings: OpenAiSettings): void {
  router.post('/v1/chat/completions', async (req: Request, res: Response) => {
    const { turn, body, identity } = await prepare(ctx, settings, req, res);
    if (body.stream) {
      // A full queue (or no turn slot left for the key) is a plain 429; once the stream is open,
      // failures come as error chunks.
      await ctx.turns.admit(turn);
      await streamTurn(ctx, res, turn, body, identity);
      return;
    }
    const signal = clientGone(res);
    try {
      const response = await ctx.turns.run(turn, signal);
      const failure = errorResult(response);
      if (failure) throw failure;
      res.json(completionBody(identity, response));
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  });

  const modelBody = (id: string) => ({ id, object: 'model', created: 0, owned_by: 'anthropic' });
  router.get('/v1/models', (_req: Request, res: Response) => {
    res.json({ object: 'list', data: settings.models.list().map(modelBody) });
  });
  router.get('/v1/models/:model', (req: Request, res: Response) => {
    const id = String(req.params.model);
    if (!settings.models.list().includes(id)) {
      throw new HttpError(404, 'NOT_FOUND', `model not found: ${id}`, { details: { field: 'model' } });
    }
    res.json(modelBody(id));
  });
}
