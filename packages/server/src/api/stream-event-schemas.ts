import { z } from 'zod';
import { permissionRequestSchema, permissionResolvedSchema } from './permission-schemas.js';
import { chatResponseSchema, errorResponseSchema } from './response-schemas.js';

// The data of each /chat/stream event (and of the WebSocket's `event` frames), described once: the
// events are built against these types, and the OpenAPI document shows them by name.

const parentToolUseId = z.string().nullable().meta({
  description: 'The tool_use id of the sub-agent call this belongs to (null: the main conversation).',
});

/** `session`, the first event: which session the turn runs in. */
export const sessionEventSchema = z.strictObject({
  session_id: z.string(),
  claude_session_id: z.string().nullable().meta({ description: 'null until the CLI has named it' }),
});

/** `init`: the CLI process started the turn. */
export const initEventSchema = z.strictObject({
  claude_session_id: z.string(),
  model: z.string(),
  tools: z.array(z.string()),
  permission_mode: z.string(),
});

/** `delta`: answer text as the model writes it (token level). */
export const deltaEventSchema = z.strictObject({ text: z.string(), parent_tool_use_id: parentToolUseId });

/** `thinking`: a piece of the model's thinking. */
export const thinkingEventSchema = z.strictObject({
  thinking: z.string(),
  parent_tool_use_id: parentToolUseId,
});

/** `assistant`: a whole model message (its text blocks joined). */
export const assistantEventSchema = z.strictObject({
  message_id: z.string().nullable(),
  text: z.string(),
  parent_tool_use_id: parentToolUseId,
});

/** `tool_use`: the model calls a tool. */
export const toolUseEventSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
  parent_tool_use_id: parentToolUseId,
});

/** `tool_result`: what the tool answered (text or content blocks, as the CLI reports them). */
export const toolResultEventSchema = z.strictObject({
  tool_use_id: z.string(),
  content: z.unknown(),
  is_error: z.boolean(),
  parent_tool_use_id: parentToolUseId,
});

/** `retry`: the CLI retries a failed API call. */
export const retryEventSchema = z.strictObject({
  attempt: z.number().int(),
  max_retries: z.number().int(),
  error_status: z.number().int().nullable(),
  error: z.string(),
  retry_delay_ms: z.number(),
});

/** `error`, the last event of a failed turn: the error body and the HTTP status it would have had. */
export const streamErrorEventSchema = errorResponseSchema.extend({ status: z.number().int() });

/** Each event name and the schema of its data, in the order a turn sends them. */
export const streamEventDataSchemas = {
  session: sessionEventSchema,
  init: initEventSchema,
  delta: deltaEventSchema,
  thinking: thinkingEventSchema,
  assistant: assistantEventSchema,
  tool_use: toolUseEventSchema,
  tool_result: toolResultEventSchema,
  retry: retryEventSchema,
  permission_request: permissionRequestSchema,
  permission_resolved: permissionResolvedSchema,
  done: chatResponseSchema,
  error: streamErrorEventSchema,
} as const;

export type StreamEventName = keyof typeof streamEventDataSchemas;

/** One /chat/stream event: its name and its data. */
export type StreamEvent = {
  [Name in StreamEventName]: { event: Name; data: z.output<(typeof streamEventDataSchemas)[Name]> };
}[StreamEventName];

/**
 * The components.schemas name of each event's data in the OpenAPI document (`done` is a
 * ChatResponse, the permission events are PermissionRequest and PermissionResolved).
 */
export const STREAM_EVENT_SCHEMA_NAMES = [
  ['session', 'SessionEvent'],
  ['init', 'InitEvent'],
  ['delta', 'DeltaEvent'],
  ['thinking', 'ThinkingEvent'],
  ['assistant', 'AssistantEvent'],
  ['tool_use', 'ToolUseEvent'],
  ['tool_result', 'ToolResultEvent'],
  ['retry', 'RetryEvent'],
  ['error', 'StreamErrorEvent'],
] as const satisfies ReadonlyArray<readonly [StreamEventName, string]>;
