import type { SessionRecord } from '@claude-code-server/store';
import type { Request, Response, Router } from 'express';
import { historyQuerySchema, sessionParamsSchema, sessionsQuerySchema } from '../api/request-schemas.js';
import { validate } from '../api/validate.js';
import { principalOf } from '../auth/authenticate.js';
import { usageBody } from '../chat/response-body.js';
import { notFound } from '../errors/http-error.js';
import { checkUserAccess } from '../policy/turn-policy.js';
import { clientSessionId, clientUserId, storedSessionId, storedUserId } from '../tenancy.js';
import type { RouteContext } from './context.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * The tenant's session and its client user id; 404 when there is none, or when the key may not act
 * for its user (or `expectedUser` is given and differs).
 */
async function ownSession(
  ctx: RouteContext,
  res: Response,
  sessionId: string,
  expectedUser?: string,
): Promise<{ record: SessionRecord; userId: string }> {
  const principal = principalOf(res);
  const record = await ctx.agent.getSession(storedSessionId(principal.tenant, sessionId));
  const userId = record ? clientUserId(principal.tenant, record.userId) : null;
  if (!record || userId === null || !principal.users.allows(userId)) throw notFound('session', sessionId);
  if (expectedUser !== undefined && expectedUser !== userId) throw notFound('session', sessionId);
  return { record, userId };
}

/** GET /session/{id}/history, DELETE /session/{id}, GET /sessions. */
export function registerSessionRoutes(router: Router, ctx: RouteContext): void {
  router.get('/session/:session_id/history', async (req: Request, res: Response) => {
    const { session_id } = validate(sessionParamsSchema, req.params, 'path');
    const query = validate(historyQuerySchema, req.query, 'query');
    const { record, userId } = await ownSession(ctx, res, session_id, query.user_id);
    const page = await ctx.agent.getConversationHistory(
      { userId: record.userId, sessionId: record.id },
      { limit: query.limit, before: query.before, after: query.after },
    );
    res.json({
      session_id,
      user_id: userId,
      messages: page.messages.map((message) => ({
        seq: message.seq,
        role: message.role,
        content: message.content,
        timestamp: new Date(message.createdAt).toISOString(),
        usage: message.usage
          ? usageBody({
              inputTokens: message.usage.inputTokens ?? 0,
              outputTokens: message.usage.outputTokens ?? 0,
              cacheCreationInputTokens: message.usage.cacheCreationInputTokens ?? 0,
              cacheReadInputTokens: message.usage.cacheReadInputTokens ?? 0,
            })
          : null,
        cost_usd: message.costUsd,
      })),
      total_messages: await ctx.store.countMessages(record.id),
      has_more: page.hasMore,
    });
  });

  router.delete('/session/:session_id', async (req: Request, res: Response) => {
    const { session_id } = validate(sessionParamsSchema, req.params, 'path');
    const { record } = await ownSession(ctx, res, session_id);
    if (!(await ctx.agent.clearSession(record.userId, record.id))) throw notFound('session', session_id);
    res.json({ success: true, session_id, message: 'Session cleared successfully' });
  });

  router.get('/sessions', async (req: Request, res: Response) => {
    const query = validate(sessionsQuerySchema, req.query, 'query');
    const principal = principalOf(res);
    checkUserAccess(principal, query.user_id);
    const page = await ctx.agent.listSessions(storedUserId(principal.tenant, query.user_id), {
      limit: query.limit,
      cursor: query.cursor,
    });
    const sessions = page.sessions.flatMap((session) => {
      const id = clientSessionId(principal.tenant, session.id);
      if (id === null) return [];
      return [
        {
          session_id: id,
          claude_session_id: session.claudeSessionId,
          project: session.project,
          created_at: new Date(session.createdAt).toISOString(),
          last_active_at: new Date(session.lastActiveAt).toISOString(),
          expires_at: iso(session.expiresAt),
        },
      ];
    });
    res.json({ user_id: query.user_id, sessions, next_cursor: page.nextCursor });
  });
}
