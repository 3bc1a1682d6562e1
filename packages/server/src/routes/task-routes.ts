import type { Request, Response, Router } from 'express';
import { taskParamsSchema } from '../api/request-schemas.js';
import { validate } from '../api/validate.js';
import { principalOf } from '../auth/authenticate.js';
import { notFound } from '../errors/http-error.js';
import { taskBody } from '../tasks/task-record.js';
import type { StoredTask } from '../tasks/task-registry.js';
import type { RouteContext } from './context.js';

/** A task is visible to keys of its tenant that may act for its user; others get 404. */
function visible(res: Response, stored: StoredTask, taskId: string): StoredTask {
  if (!principalOf(res).users.allows(stored.record.userId)) throw notFound('task', taskId);
  return stored;
}

/** GET and DELETE /task/{task_id}. */
export function registerTaskRoutes(router: Router, ctx: RouteContext): void {
  router.get('/task/:task_id', async (req: Request, res: Response) => {
    const { task_id } = validate(taskParamsSchema, req.params, 'path');
    const { tenant } = principalOf(res);
    const stored = visible(res, await ctx.tasks.get(tenant, task_id), task_id);
    res.json(taskBody(stored.record, stored.result));
  });

  router.delete('/task/:task_id', async (req: Request, res: Response) => {
    const { task_id } = validate(taskParamsSchema, req.params, 'path');
    const { tenant } = principalOf(res);
    visible(res, await ctx.tasks.get(tenant, task_id), task_id);
    const stored = await ctx.tasks.cancel(tenant, task_id);
    res.json(taskBody(stored.record, stored.result));
  });
}
