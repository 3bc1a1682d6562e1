import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Principal } from '../auth/principal.js';

const ACCEPTED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's X-Request-Id when it is a plain token, else a new one; echoed back and kept in res.locals. */
function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && ACCEPTED_ID.test(given) ? given : randomUUID();
  (res as Response).locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  return id;
}

/** The one line per request: never headers, query values or bodies (they can hold keys, prompts and user ids). */
function requestLine(req: IncomingMessage, res: ServerResponse, durationMs: number) {
  const { locals } = res as Response;
  const principal = locals.principal as Principal | undefined;
  return {
    method: req.method,
    path: (req as Request).path,
    status: res.statusCode,
    duration_ms: durationMs,
    ...(principal ? { key: principal.keyName, tenant: principal.tenant } : {}),
    ...(typeof locals.forwardedTo === 'string' ? { forwarded_to: locals.forwardedTo } : {}),
    ...(res.writableFinished ? {} : { aborted: true }),
  };
}

/**
 * Request ids and the access log (pino-http): one `request` line at info when a response ends or
 * is cut off, bound to the request id; the request itself is never serialised.
 */
export function requestLog(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: requestIdOf,
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'request_id' },
    serializers: { req: () => undefined, res: () => undefined },
    customLogLevel: () => 'info',
    customSuccessObject: (req, res, fields) => requestLine(req, res, fields.responseTime as number),
    customErrorObject: (req, res, _error, fields) => requestLine(req, res, fields.responseTime as number),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request',
  });
}
