import { z } from 'zod';
import { typeError } from '../options/zod-helpers.js';
import {
  permissionAllowShape,
  permissionBehaviorError,
  permissionDenyShape,
  permissionRequestIdSchema,
} from './permission-schemas.js';
import { chatRequestShape } from './request-schemas.js';

// The frames of GET /ws, each a JSON text message with a `type`. Turn events are the SSE events of
// /chat/stream (same names, same data), wrapped in an `event` frame tagged with the turn's id.

export const turnIdSchema = z
  .string({ error: typeError('must be a string') })
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9._:-]+$/, 'must use only A-Z a-z 0-9 . _ : -')
  .meta({ description: 'Names the turn in its event frames; the server picks one when omitted.' });

// Client -> server.

/** Authenticates a connection opened without an Authorization header (browsers); must come first. */
export const wsAuthFrameSchema = z.strictObject({
  type: z.literal('auth'),
  token: z
    .string({ error: typeError('must be a string') })
    .min(1, 'must not be empty')
    .meta({
      description: 'The API key (what Authorization: Bearer would carry).',
    }),
});

/** Starts a turn: the fields of a POST /chat/stream body. */
export const wsMessageFrameSchema = z.strictObject({
  type: z.literal('message'),
  turn_id: turnIdSchema.optional(),
  ...chatRequestShape,
});

/** Interrupts a running turn (or drops a waiting one) of this connection. */
export const wsInterruptFrameSchema = z.strictObject({
  type: z.literal('interrupt'),
  turn_id: turnIdSchema,
});

/** Answers a permission request (of any turn of this tenant, on any connection or node). */
export const wsPermissionFrameSchema = z.discriminatedUnion(
  'behavior',
  [
    z.strictObject({
      type: z.literal('permission'),
      request_id: permissionRequestIdSchema,
      ...permissionAllowShape,
    }),
    z.strictObject({
      type: z.literal('permission'),
      request_id: permissionRequestIdSchema,
      ...permissionDenyShape,
    }),
  ],
  permissionBehaviorError,
);

/** An application-level keep-alive (browsers cannot send protocol pings); answered with pong. */
export const wsPingFrameSchema = z.strictObject({
  type: z.literal('ping'),
  id: z.string().max(128, 'must be at most 128 characters').optional(),
});

/** Every client frame, by type; the server parses `type` first so a bad one is named as such. */
export const wsClientFrameSchemas = {
  auth: wsAuthFrameSchema,
  message: wsMessageFrameSchema,
  interrupt: wsInterruptFrameSchema,
  permission: wsPermissionFrameSchema,
  ping: wsPingFrameSchema,
} as const;

export const wsClientFrameTypes = Object.keys(wsClientFrameSchemas) as Array<
  keyof typeof wsClientFrameSchemas
>;

export const wsClientFrameSchema = z.union([
  wsAuthFrameSchema,
  wsMessageFrameSchema,
  wsInterruptFrameSchema,
  wsPermissionFrameSchema,
  wsPingFrameSchema,
]);

export type WsClientFrame = z.output<typeof wsClientFrameSchema>;

// Server -> client.

/** Sent once the connection is authenticated (at once with a header, else after the auth frame). */
export const wsReadyFrameSchema = z.object({
  type: z.literal('ready'),
  tenant: z.string(),
  key_name: z.string().nullable(),
});

/** A turn was accepted; its events follow. */
export const wsAcceptedFrameSchema = z.object({
  type: z.literal('accepted'),
  turn_id: z.string(),
  session_id: z.string(),
});

/** One SSE event of a turn: `event` is the SSE event name (session, delta, ..., done, error). */
export const wsEventFrameSchema = z.object({
  type: z.literal('event'),
  turn_id: z.string(),
  event: z.string().meta({ example: 'delta' }),
  data: z.unknown(),
});

/** A frame was refused (bad JSON, unknown type, a field...) or an answer failed; the connection stays open. */
export const wsErrorFrameSchema = z.object({
  type: z.literal('error'),
  /** The turn the problem concerns, when one does. */
  turn_id: z.string().nullable(),
  /** The permission request an answer was refused for, when one was. */
  request_id: z.string().nullable(),
  error: z.object({
    code: z.string().meta({ example: 'INVALID_REQUEST' }),
    message: z.string().meta({ example: 'message: is required' }),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
  status: z.number().int().meta({ description: 'The HTTP status the same problem gets over HTTP.' }),
});

/** A permission answer was taken. */
export const wsAnsweredFrameSchema = z.object({
  type: z.literal('answered'),
  request_id: z.string(),
  session_id: z.string(),
  behavior: z.enum(['allow', 'deny']),
});

export const wsPongFrameSchema = z.object({
  type: z.literal('pong'),
  id: z.string().optional(),
});

export const wsServerFrameSchema = z.discriminatedUnion('type', [
  wsReadyFrameSchema,
  wsAcceptedFrameSchema,
  wsEventFrameSchema,
  wsErrorFrameSchema,
  wsAnsweredFrameSchema,
  wsPongFrameSchema,
]);

export type WsServerFrame = z.output<typeof wsServerFrameSchema>;
