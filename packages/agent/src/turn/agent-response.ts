import type { ChatResponse, ClaudeConfig } from '@claude-code-server/core';
import type { MessageRecord, SessionRecord } from '@claude-code-server/store';
import type { TurnJob } from '../admission/turn-job.js';
import type { AgentResponse } from '../types.js';
import type { PreparedProcess } from './warm-processes.js';

/** The response every caller of a turn gets. */
export function toAgentResponse(
  job: TurnJob,
  chat: ChatResponse,
  record: SessionRecord,
  config: ClaudeConfig,
  prepared: PreparedProcess,
  userSeqs: number[],
  assistant: MessageRecord | null,
  turns: number,
  recoveredMessages: number,
): AgentResponse {
  const response: AgentResponse = {
    content: chat.content,
    sessionId: job.sessionId,
    claudeSessionId: chat.sessionId,
    success: !chat.isError,
    usage: chat.usage,
    costUsd: chat.costUsd,
    durationMs: chat.durationMs,
    numTurns: chat.numTurns,
    permissionDenials: chat.permissionDenials,
    freshSession: prepared.fresh,
    metadata: {
      mergedMessages: job.messages.length,
      userMessageSeqs: userSeqs,
      assistantMessageSeq: assistant?.seq ?? null,
      turn: turns,
      freshSession: prepared.fresh,
      warm: prepared.warm,
      recoveredMessages,
      project: record.project,
      model: config.model,
    },
  };
  if (chat.isError) response.error = { code: chat.errorCode ?? 'CLI_ERROR', message: chat.content };
  return response;
}
