import { z } from 'zod';
import { typeError } from '../options/zod-helpers.js';
import { sessionIdSchema } from './request-schemas.js';

// Human approval of tool calls: the event a turn emits when a tool needs permission, the answer a
// client sends, and the event that tells how the request ended.

const isoTime = z.string().meta({ description: 'ISO 8601 time.', example: '2025-01-01T12:05:00.000Z' });
const toolInput = z.record(z.string(), z.unknown());

export const permissionRequestIdSchema = z
  .string()
  .regex(/^perm_[0-9a-f-]{36}$/, 'must be a permission request id as sent in permission_request')
  .meta({ example: 'perm_6f1c2a4e-8b0d-4c1e-9f3a-2d5b7e9c0a11' });

/** SSE `permission_request` (and the WebSocket event of that name): a tool waits for a human. */
export const permissionRequestSchema = z.object({
  request_id: permissionRequestIdSchema,
  session_id: z.string().meta({
    description: 'The client session id; answer at /session/{session_id}/permissions/{request_id}.',
  }),
  user_id: z.string(),
  tool_name: z.string().meta({ example: 'Write' }),
  tool_use_id: z.string(),
  input: toolInput.meta({ description: 'The input the model gave the tool.' }),
  created_at: isoTime,
  expires_at: isoTime.meta({ description: 'Unanswered by then, the request is denied.' }),
});

export const permissionBehaviors = ['allow', 'deny'] as const;
export const permissionDecidedBy = ['answer', 'timeout', 'abandoned'] as const;

/** SSE `permission_resolved`: how a permission request ended. */
export const permissionResolvedSchema = z.object({
  request_id: permissionRequestIdSchema,
  session_id: z.string(),
  tool_name: z.string(),
  behavior: z.enum(permissionBehaviors),
  decided_by: z.enum(permissionDecidedBy).meta({
    description:
      '`answer`: a client answered; `timeout`: nobody answered before expires_at (denied); ' +
      '`abandoned`: the turn ended or was interrupted first (denied).',
  }),
  message: z.string().nullable().meta({ description: 'The deny message the model got (null on allow).' }),
  updated_input: toolInput
    .nullable()
    .meta({ description: 'The input the answer changed the tool to (null: unchanged).' }),
});

/** An allow answer's fields. */
export const permissionAllowShape = {
  behavior: z.literal('allow'),
  updated_input: toolInput.optional().meta({ description: 'Run the tool with this input instead.' }),
};

/** A deny answer's fields. */
export const permissionDenyShape = {
  behavior: z.literal('deny'),
  message: z
    .string({ error: typeError('must be a string') })
    .min(1, 'must not be empty')
    .max(2_000, 'must be at most 2000 characters')
    .optional()
    .meta({ description: 'What the model is told (default: "The user denied this tool call.").' }),
};

const behaviorError = { error: () => 'must be allow or deny' };

/** The body of POST /session/{session_id}/permissions/{request_id}. */
export const permissionAnswerSchema = z.discriminatedUnion(
  'behavior',
  [z.strictObject(permissionAllowShape), z.strictObject(permissionDenyShape)],
  behaviorError,
);

/** What answering a permission request returns. */
export const permissionAnsweredSchema = z.object({
  success: z.literal(true),
  request_id: z.string(),
  session_id: z.string(),
  behavior: z.enum(permissionBehaviors),
});

/** GET /session/{session_id}/permissions: the requests waiting in that session. */
export const pendingPermissionsSchema = z.object({
  session_id: z.string(),
  pending: z.array(permissionRequestSchema),
});

export const permissionParamsSchema = z.strictObject({
  session_id: sessionIdSchema,
  request_id: permissionRequestIdSchema,
});

export type PermissionRequestBody = z.output<typeof permissionRequestSchema>;
export type PermissionResolvedBody = z.output<typeof permissionResolvedSchema>;
export { behaviorError as permissionBehaviorError };
export type PermissionAnsweredBody = z.output<typeof permissionAnsweredSchema>;
export type PermissionAnswerBody = z.output<typeof permissionAnswerSchema>;
