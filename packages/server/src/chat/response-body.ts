import type { AgentResponse } from '@claude-code-server/agent';
import type { ClaudeUsage } from '@claude-code-server/core';
import type { ChatResponseBody } from '../api/response-schemas.js';

/** Token usage in the API's snake_case. */
export function usageBody(usage: ClaudeUsage) {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: usage.cacheCreationInputTokens,
    cache_read_input_tokens: usage.cacheReadInputTokens,
  };
}

/** The answer of POST /chat (and the `done` event and a task's result), with the client's session id. */
export function chatResponseBody(response: AgentResponse, sessionId: string): ChatResponseBody {
  return {
    content: response.content,
    session_id: sessionId,
    claude_session_id: response.claudeSessionId,
    success: response.success,
    error: response.error?.message ?? null,
    metadata: {
      usage: usageBody(response.usage),
      cost_usd: response.costUsd,
      duration_ms: response.durationMs,
      num_turns: response.numTurns,
      permission_denials: response.permissionDenials.map((denial) => ({
        tool_name: denial.toolName,
        tool_use_id: denial.toolUseId,
        tool_input: denial.toolInput,
      })),
      fresh_session: response.freshSession,
      warm: response.metadata.warm,
      recovered_messages: response.metadata.recoveredMessages,
      project: response.metadata.project,
      model: response.metadata.model ?? null,
      turn: response.metadata.turn,
      merged_messages: response.metadata.mergedMessages,
      user_message_seqs: response.metadata.userMessageSeqs,
      assistant_message_seq: response.metadata.assistantMessageSeq,
      error_code: response.error?.code ?? null,
    },
  };
}
