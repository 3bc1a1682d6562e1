import type { StreamEvent } from '../api/stream-event-schemas.js';
import type { TurnEvent } from './turn-service.js';

/** One Server-Sent Event: its name and JSON data, typed by the event's schema. */
export type SseEvent = StreamEvent;

/**
 * The SSE (and WebSocket) event for a turn's event, or null for those a client has no use for (raw
 * system messages, the CLI's result, which `done` replaces). `sessionId` is the client's session id.
 */
export function toSseEvent(event: TurnEvent, sessionId: string): SseEvent | null {
  switch (event.type) {
    case 'session':
      return {
        event: 'session',
        data: { session_id: sessionId, claude_session_id: event.claudeSessionId ?? null },
      };
    case 'permission_request':
      return { event: 'permission_request', data: event.request };
    case 'permission_resolved':
      return { event: 'permission_resolved', data: event.resolution };
    case 'init':
      return {
        event: 'init',
        data: {
          claude_session_id: event.sessionId,
          model: event.model,
          tools: event.tools,
          permission_mode: event.permissionMode,
        },
      };
    case 'text_delta':
      return { event: 'delta', data: { text: event.text, parent_tool_use_id: event.parentToolUseId } };
    case 'thinking_delta':
      return {
        event: 'thinking',
        data: { thinking: event.thinking, parent_tool_use_id: event.parentToolUseId },
      };
    case 'assistant':
      return {
        event: 'assistant',
        data: {
          message_id: event.messageId ?? null,
          text: event.text,
          parent_tool_use_id: event.parentToolUseId,
        },
      };
    case 'tool_use':
      return {
        event: 'tool_use',
        data: {
          id: event.id,
          name: event.name,
          input: event.input,
          parent_tool_use_id: event.parentToolUseId,
        },
      };
    case 'tool_result':
      return {
        event: 'tool_result',
        data: {
          tool_use_id: event.toolUseId,
          content: event.content,
          is_error: event.isError,
          parent_tool_use_id: event.parentToolUseId,
        },
      };
    case 'api_retry':
      return {
        event: 'retry',
        data: {
          attempt: event.attempt,
          max_retries: event.maxRetries,
          error_status: event.errorStatus,
          error: event.error,
          retry_delay_ms: event.retryDelayMs,
        },
      };
    default:
      return null;
  }
}
