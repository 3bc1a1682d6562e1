import { z } from 'zod';
import { permissionRequestSchema } from './permission-schemas.js';

// These describe what the server answers, for the OpenAPI document; requests are validated by
// request-schemas.ts.

const isoTime = z.string().meta({ description: 'ISO 8601 time.', example: '2025-01-01T12:00:00.000Z' });

export const usageSchema = z.object({
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  cache_creation_input_tokens: z.number().int(),
  cache_read_input_tokens: z.number().int(),
});

export const chatMetadataSchema = z.object({
  usage: usageSchema,
  cost_usd: z.number(),
  duration_ms: z.number().int(),
  num_turns: z.number().int(),
  permission_denials: z.array(
    z.object({ tool_name: z.string(), tool_use_id: z.string(), tool_input: z.unknown() }),
  ),
  fresh_session: z
    .boolean()
    .meta({ description: 'The stored transcript was gone; the conversation restarted.' }),
  warm: z.boolean().meta({ description: 'A warm CLI process answered.' }),
  recovered_messages: z.number().int().meta({
    description:
      'Stored messages the CLI had not seen, brought along in this turn: those of a turn whose server stopped after answering and before it saved the rest (almost always 0).',
  }),
  project: z.string().nullable(),
  model: z.string().nullable(),
  turn: z.number().int(),
  merged_messages: z.number().int(),
  user_message_seqs: z.array(z.number().int()),
  assistant_message_seq: z.number().int().nullable(),
  error_code: z.string().nullable(),
});

export const chatResponseSchema = z.object({
  content: z.string(),
  session_id: z.string(),
  claude_session_id: z.string(),
  success: z.boolean(),
  error: z.string().nullable(),
  metadata: chatMetadataSchema,
});

export const errorResponseSchema = z.object({
  success: z.literal(false),
  error: z.object({
    code: z.string().meta({ example: 'INVALID_REQUEST' }),
    message: z.string().meta({ example: 'user_id: is required' }),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

export const taskStatuses = [
  'pending',
  'running',
  'waiting_for_approval',
  'completed',
  'failed',
  'cancelled',
] as const;

export const taskAcceptedSchema = z.object({
  task_id: z.string(),
  status: z.enum(taskStatuses),
  message: z.string(),
});

export const taskSchema = z.object({
  task_id: z.string(),
  status: z.enum(taskStatuses),
  user_id: z.string(),
  session_id: z.string(),
  result: chatResponseSchema.nullable(),
  error: z.string().nullable(),
  error_code: z.string().nullable(),
  created_at: isoTime,
  started_at: isoTime.nullable(),
  finished_at: isoTime.nullable(),
  completed_at: isoTime.nullable().meta({ description: 'Same as finished_at.' }),
  pending_permissions: z.array(permissionRequestSchema).meta({
    description:
      'Tool calls waiting for an answer (status waiting_for_approval); answer each at ' +
      'POST /session/{session_id}/permissions/{request_id}.',
  }),
});

export const historyMessageSchema = z.object({
  seq: z.number().int(),
  role: z.enum(['user', 'assistant', 'system']),
  content: z.string(),
  timestamp: isoTime,
  usage: usageSchema.nullable(),
  cost_usd: z.number().nullable(),
});

export const historySchema = z.object({
  session_id: z.string(),
  user_id: z.string(),
  messages: z.array(historyMessageSchema),
  total_messages: z.number().int(),
  has_more: z.boolean(),
});

export const sessionSummarySchema = z.object({
  session_id: z.string(),
  claude_session_id: z.string().nullable(),
  project: z.string().nullable(),
  created_at: isoTime,
  last_active_at: isoTime,
  expires_at: isoTime.nullable(),
});

export const sessionListSchema = z.object({
  user_id: z.string(),
  sessions: z.array(sessionSummarySchema),
  next_cursor: z.string().nullable(),
});

export const deletedSchema = z.object({
  success: z.literal(true),
  session_id: z.string(),
  message: z.string(),
});

export const healthSchema = z.object({
  status: z.enum(['healthy', 'degraded', 'unhealthy', 'shutting_down']),
  version: z.string(),
  claude_version: z.string().nullable(),
  store: z.enum(['ok', 'unavailable']),
  problems: z.array(z.string()).optional(),
});

export type ChatResponseBody = z.output<typeof chatResponseSchema>;
export type TaskBody = z.output<typeof taskSchema>;
export type TaskStatus = (typeof taskStatuses)[number];
