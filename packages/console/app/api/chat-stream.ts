import { EventSourceParserStream } from 'eventsource-parser/stream';
import { type ApiClient, ApiError } from './api-client.js';
import type { ChatResponseBody, PermissionRequestBody, PermissionResolvedBody } from './types.js';

/** The body of POST /chat/stream (and /chat/async) the console sends. */
export interface ChatRequest {
  message: string;
  user_id: string;
  session_id: string;
}

/** The events of /chat/stream, as the server README lists them. */
export type StreamEvent =
  | { event: 'session'; data: { session_id: string; claude_session_id: string | null } }
  | {
      event: 'init';
      data: { claude_session_id: string; model: string; tools: string[]; permission_mode: string };
    }
  | { event: 'delta'; data: { text: string; parent_tool_use_id: string | null } }
  | { event: 'thinking'; data: { thinking: string; parent_tool_use_id: string | null } }
  | { event: 'assistant'; data: { message_id: string; text: string; parent_tool_use_id: string | null } }
  | {
      event: 'tool_use';
      data: { id: string; name: string; input: unknown; parent_tool_use_id: string | null };
    }
  | {
      event: 'tool_result';
      data: { tool_use_id: string; content: unknown; is_error: boolean; parent_tool_use_id: string | null };
    }
  | {
      event: 'retry';
      data: { attempt: number; max_retries: number; error_status: number | null; error: string };
    }
  | { event: 'permission_request'; data: PermissionRequestBody }
  | { event: 'permission_resolved'; data: PermissionResolvedBody }
  | { event: 'done'; data: ChatResponseBody }
  | { event: 'error'; data: { success: false; error: { code: string; message: string }; status: number } };

/**
 * Runs a turn over POST /chat/stream and yields its events as they arrive. Aborting `signal` closes
 * the connection, which interrupts the turn on the server. A refusal before the stream opens (401,
 * 403, 429...) throws ApiError.
 */
export async function* streamChat(
  client: ApiClient,
  request: ChatRequest,
  signal: AbortSignal,
): AsyncGenerator<StreamEvent> {
  const response = await client.send('POST', '/chat/stream', request, signal);
  if (!response.body) throw new ApiError(0, 'NO_STREAM', 'the server sent no event stream');
  const reader = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      // Keep-alive comments are not events; every event's data is one JSON line.
      if (!value.event) continue;
      yield { event: value.event, data: JSON.parse(value.data) } as StreamEvent;
    }
  } finally {
    // A consumer that stops early closes the connection too (a no-op once the stream ended).
    await reader.cancel().catch(() => {});
  }
}
