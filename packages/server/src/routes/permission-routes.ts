import type { Request, Response, Router } from 'express';
import { permissionAnswerSchema, permissionParamsSchema } from '../api/permission-schemas.js';
import { sessionParamsSchema } from '../api/request-schemas.js';
import { validate } from '../api/validate.js';
import { principalOf } from '../auth/authenticate.js';
import type { RouteContext } from './context.js';

/** GET /session/{id}/permissions and POST /session/{id}/permissions/{request_id}. */
export function registerPermissionRoutes(router: Router, ctx: RouteContext): void {
  router.get('/session/:session_id/permissions', async (req: Request, res: Response) => {
    const { session_id } = validate(sessionParamsSchema, req.params, 'path');
    res.json({ session_id, pending: await ctx.approvals.pending(principalOf(res), session_id) });
  });

  router.post('/session/:session_id/permissions/:request_id', async (req: Request, res: Response) => {
    const { session_id, request_id } = validate(permissionParamsSchema, req.params, 'path');
    const body = validate(permissionAnswerSchema, req.body, 'body');
    res.json(await ctx.approvals.answer(principalOf(res), session_id, request_id, body));
  });
}
