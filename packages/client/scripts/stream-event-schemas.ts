import { z } from 'zod';

// The data of the /chat/stream events that @claude-code-server/server has no schema for yet (it
// builds them in src/chat/stream-events.ts). Used only to generate the client's types, and checked
// against what the real server sends by test/stream-events.test.ts, so a change on the server fails
// there. When the server exports schemas for them, the generator takes those instead.

const parentToolUseId = z.string().nullable().meta({
  description: 'The tool_use id of the sub-agent call this belongs to (null: the main conversation).',
});

export const streamEventDataSchemas = {
  session: z.strictObject({ session_id: z.string(), claude_session_id: z.string().nullable() }),
  init: z.strictObject({
    claude_session_id: z.string(),
    model: z.string(),
    tools: z.array(z.string()),
    permission_mode: z.string(),
  }),
  delta: z.strictObject({ text: z.string(), parent_tool_use_id: parentToolUseId }),
  thinking: z.strictObject({ thinking: z.string(), parent_tool_use_id: parentToolUseId }),
  assistant: z.strictObject({
    message_id: z.string().nullable(),
    text: z.string(),
    parent_tool_use_id: parentToolUseId,
  }),
  tool_use: z.strictObject({
    id: z.string(),
    name: z.string(),
    input: z.unknown(),
    parent_tool_use_id: parentToolUseId,
  }),
  tool_result: z.strictObject({
    tool_use_id: z.string(),
    content: z.unknown(),
    is_error: z.boolean(),
    parent_tool_use_id: parentToolUseId,
  }),
  retry: z.strictObject({
    attempt: z.number().int(),
    max_retries: z.number().int(),
    error_status: z.number().int().nullable(),
    error: z.string(),
    retry_delay_ms: z.number(),
  }),
} as const;
