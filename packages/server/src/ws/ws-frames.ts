import type { RawData } from 'ws';
import { z } from 'zod';
import { validate } from '../api/validate.js';
import { type WsClientFrame, wsClientFrameSchemas, wsClientFrameTypes } from '../api/ws-frame-schemas.js';
import { HttpError } from '../errors/http-error.js';
import { oneOf } from '../options/zod-helpers.js';

const frameTypeSchema = z.object({ type: oneOf(wsClientFrameTypes as [string, ...string[]]) });

/**
 * A client frame, checked: a JSON text message whose `type` is known and whose fields are valid.
 * Throws the 400 an HTTP body would get, naming the field (`type`, `message`, `attachments[0].data`).
 */
export function parseClientFrame(data: RawData, isBinary: boolean): WsClientFrame {
  if (isBinary) {
    throw new HttpError(400, 'INVALID_REQUEST', 'frame: must be a text message holding JSON', {
      details: { field: 'frame' },
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString());
  } catch {
    throw new HttpError(400, 'INVALID_JSON', 'frame: is not valid JSON', { details: { field: 'frame' } });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, 'INVALID_REQUEST', 'frame: must be a JSON object with a type', {
      details: { field: 'frame' },
    });
  }
  const { type } = validate(frameTypeSchema, parsed, 'body');
  return validate(wsClientFrameSchemas[type as keyof typeof wsClientFrameSchemas], parsed, 'body');
}

/** The turn or permission request a (possibly invalid) frame names, for its error frame. */
export function frameIds(data: RawData): { turnId: string | null; requestId: string | null } {
  try {
    const value = JSON.parse(data.toString()) as { turn_id?: unknown; request_id?: unknown };
    return {
      turnId: typeof value.turn_id === 'string' ? value.turn_id : null,
      requestId: typeof value.request_id === 'string' ? value.request_id : null,
    };
  } catch {
    return { turnId: null, requestId: null };
  }
}
