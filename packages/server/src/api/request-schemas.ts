import { permissionModes } from '@claude-code-server/core';
import { ID_PATTERN, STORE_LIMITS } from '@claude-code-server/store';
import { z } from 'zod';
import { NAME_MAX_LENGTH, PROJECT_NAME_PATTERN } from '../options/config-schema.js';
import { oneOf, positiveInt, typeError } from '../options/zod-helpers.js';
import { RESERVED_USER_PREFIX } from '../tenancy.js';
import { attachmentsSchema } from './attachment-schemas.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** A client's id is stored as `<tenant>:<id>`: it may be as long as the store allows, less that prefix. */
const TENANT_PREFIX_MAX_LENGTH = NAME_MAX_LENGTH + 1;
const USER_ID_MAX_LENGTH = STORE_LIMITS.userIdMaxLength - TENANT_PREFIX_MAX_LENGTH;
const SESSION_ID_MAX_LENGTH = STORE_LIMITS.idMaxLength - TENANT_PREFIX_MAX_LENGTH;

export const userIdSchema = z
  .string({ error: typeError('must be a string') })
  .min(1, 'must not be empty')
  .max(USER_ID_MAX_LENGTH, `must be at most ${USER_ID_MAX_LENGTH} characters`)
  .refine((id) => !CONTROL_CHARACTERS.test(id), 'must not contain control characters')
  .refine(
    (id) => !id.startsWith(RESERVED_USER_PREFIX),
    `must not start with ${RESERVED_USER_PREFIX} (reserved)`,
  )
  .meta({ description: 'Who the message is from; sessions are kept per user.', example: 'alice' });

export const sessionIdSchema = z
  .string({ error: typeError('must be a string') })
  .min(1, 'must not be empty')
  .max(SESSION_ID_MAX_LENGTH, `must be at most ${SESSION_ID_MAX_LENGTH} characters`)
  .regex(ID_PATTERN, 'must start with a letter or digit and use only A-Z a-z 0-9 . _ : @ -')
  .meta({ description: 'A conversation id (default `user_<user_id>`).', example: 'user_alice' });

export const projectNameSchema = z
  .string({ error: typeError('must be a string') })
  .min(1, 'must not be empty')
  .max(NAME_MAX_LENGTH, `must be at most ${NAME_MAX_LENGTH} characters`)
  .regex(PROJECT_NAME_PATTERN, 'must be the name of a configured project, never a path')
  .meta({ description: 'A configured project name (never a path).', example: 'default' });

export const taskIdSchema = z
  .string()
  .regex(/^task_[0-9a-f-]{36}$/, 'must be a task id as returned by POST /chat/async')
  .meta({
    description: 'The id POST /chat/async returned.',
    example: 'task_0b7c6f7e-2d7e-4b7a-9a3e-0f1d2c3b4a59',
  });

const toolList = z.array(z.string().min(1, 'must not be empty'), {
  error: () => 'must be a list of tool names',
});

/** What a request may change about its turn; it can narrow the key's limits, never widen them. */
export const chatConfigSchema = z
  .strictObject({
    model: z.string().min(1, 'must not be empty').optional(),
    permission_mode: oneOf(permissionModes).optional(),
    allowed_tools: toolList
      .optional()
      .meta({ description: 'Tools to pre-approve (within what the key may).' }),
    disallowed_tools: toolList.optional().meta({ description: 'Tools to refuse for this turn.' }),
    max_turns: positiveInt.optional(),
    max_budget_usd: z.number().positive('must be greater than 0').optional(),
    append_system_prompt: z.string().max(20_000, 'must be at most 20000 characters').optional(),
  })
  .meta({ description: 'Per-request settings; each can only narrow what the server and the key allow.' });

/** The fields of a chat request: the body of POST /chat, /chat/stream, /chat/async and a WS message frame. */
export const chatRequestShape = {
  message: z
    .string({ error: typeError('must be a string') })
    .refine((text) => text.trim() !== '', 'must not be empty')
    .meta({ description: 'The message for Claude.', example: 'What does README.md say?' }),
  user_id: userIdSchema,
  session_id: sessionIdSchema.optional(),
  project: projectNameSchema.optional(),
  config: chatConfigSchema.optional(),
  timeout: z
    .number({ error: typeError('must be a number of seconds') })
    .positive('must be greater than 0')
    .optional()
    .meta({ description: 'Seconds the turn may run (the server caps it).', example: 120 }),
  attachments: attachmentsSchema.optional(),
  wait_for_approval: z
    .boolean({ error: typeError('must be true or false') })
    .optional()
    .meta({
      description:
        'Whether a tool that needs permission waits for an answer (permission_request) or is denied at ' +
        'once. Default: false for POST /chat, true for /chat/stream, /chat/async and WebSocket turns.',
    }),
};

export const chatRequestSchema = z.strictObject(chatRequestShape);

const queryInt = (min: number, max: number) =>
  z.coerce
    .number({ error: typeError('must be an integer') })
    .int('must be an integer')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

export const historyQuerySchema = z
  .strictObject({
    limit: queryInt(1, 1000).optional().meta({ description: 'Messages per page (default 50).' }),
    before: queryInt(1, Number.MAX_SAFE_INTEGER).optional().meta({ description: 'Messages with seq below.' }),
    after: queryInt(0, Number.MAX_SAFE_INTEGER).optional().meta({ description: 'Messages with seq above.' }),
    user_id: userIdSchema.optional().meta({ description: 'When given, the session must be this user’s.' }),
  })
  .refine((query) => query.before === undefined || query.after === undefined, {
    path: ['after'],
    message: 'cannot be combined with before',
  });

export const sessionsQuerySchema = z.strictObject({
  user_id: userIdSchema,
  limit: queryInt(1, 200).optional().meta({ description: 'Sessions per page (default 50).' }),
  cursor: z.string().min(1).max(1024).optional().meta({ description: 'next_cursor of the previous page.' }),
});

export const sessionParamsSchema = z.strictObject({ session_id: sessionIdSchema });
export const taskParamsSchema = z.strictObject({ task_id: taskIdSchema });

export type ChatRequestBody = z.output<typeof chatRequestSchema>;
export type ChatConfigBody = z.output<typeof chatConfigSchema>;
