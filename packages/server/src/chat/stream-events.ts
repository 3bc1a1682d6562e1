import type { AgentEvent } from '@claude-code-server/agent';

/** One Server-Sent Event: its name and JSON data. */
export interface SseEvent {
  event: string;
  data: unknown;
}

/**
 * The SSE event for an agent event, or null for those a client has no use for (raw system messages,
 * the CLI's result, which `done` replaces). `session` and `done` are built by the route, which knows
 * the client's session id.
 */
export function toSseEvent(event: AgentEvent): SseEvent | null {
  switch (event.type) {
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
