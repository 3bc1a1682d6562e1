import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { HttpError } from './http-error.js';
import { toHttpError } from './map-error.js';

interface BodyParserError extends Error {
  type?: string;
  limit?: number;
  status?: number;
  /** Set by http-errors (body-parser) when the message is meant for the client. */
  expose?: boolean;
}

/** A 4xx that Express or body-parser raised itself: a malformed `%` escape in the path, a body it cannot read. */
function fromExpress(error: BodyParserError): HttpError | undefined {
  const { status } = error;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  if (error instanceof URIError) {
    return new HttpError(400, 'INVALID_REQUEST', 'path: has a malformed % escape', {
      details: { field: 'path' },
    });
  }
  if (error.expose !== true) return undefined;
  const code = status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'INVALID_REQUEST';
  return new HttpError(status, code, `body: ${error.message}`, { details: { field: 'body' } });
}

/** body-parser's errors (bad JSON, too large, wrong charset) as our HTTP errors. */
function fromBodyParser(error: BodyParserError): HttpError | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return new HttpError(400, 'INVALID_JSON', 'body: is not valid JSON', { details: { field: 'body' } });
    case 'entity.too.large':
      return new HttpError(
        413,
        'PAYLOAD_TOO_LARGE',
        `body: is larger than the limit of ${error.limit} bytes`,
        {
          details: { field: 'body', limit_bytes: error.limit },
        },
      );
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `body: ${error.message}`, {
        details: { field: 'body' },
      });
    default:
      return fromExpress(error);
  }
}

/** The Retry-After header of an error that has one. */
export function setRetryAfter(res: Response, error: HttpError): void {
  if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
}

/** Sends an error in the one JSON shape, with Retry-After when there is one. */
export function sendError(res: Response, error: HttpError): void {
  setRetryAfter(res, error);
  res.status(error.status).json(error.toBody());
}

/**
 * The last middleware: every thrown error becomes `{ success: false, error }` with its status (or
 * what `send` makes of it: the OpenAI-compatible routes answer in OpenAI's shape).
 */
export function errorMiddleware(logger: Logger, send: (res: Response, error: HttpError) => void = sendError) {
  return (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    const http = fromBodyParser(error as BodyParserError) ?? toHttpError(error);
    if (http.status >= 500) {
      const cause = http.cause instanceof Error ? http.cause : undefined;
      logger.error(
        {
          request_id: res.locals.requestId,
          code: http.code,
          err: cause
            ? { name: cause.name, message: cause.message, code: (cause as { code?: unknown }).code }
            : undefined,
        },
        'request failed',
      );
    }
    if (res.headersSent) {
      next(error);
      return;
    }
    send(res, http);
  };
}
