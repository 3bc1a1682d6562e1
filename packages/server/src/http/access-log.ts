import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';

/**
 * One log line per request when it ends: request id, method, path, status, time and the key's name.
 * Never headers, query values or bodies: they can hold keys, prompts and user ids.
 */
export function accessLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.on('close', () => {
      const principal = res.locals.principal as Principal | undefined;
      logger.info(
        {
          request_id: res.locals.requestId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          duration_ms: Number((process.hrtime.bigint() - started) / 1_000_000n),
          ...(principal ? { key: principal.keyName, tenant: principal.tenant } : {}),
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        'request',
      );
    });
    next();
  };
}
