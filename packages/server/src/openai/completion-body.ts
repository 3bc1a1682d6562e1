import type { AgentResponse } from '@claude-code-server/agent';
import type { ClaudeUsage } from '@claude-code-server/core';

/** What every chunk and the completion of one request share. */
export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

/**
 * OpenAI's usage of a turn (its own tokens, not the conversation's): prompt tokens are every input
 * token, cached or not (Anthropic counts cache reads and writes apart); cached_tokens are the reads.
 */
export function openAiUsage(usage: ClaudeUsage) {
  const prompt = usage.inputTokens + usage.cacheCreationInputTokens + usage.cacheReadInputTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.outputTokens,
    total_tokens: prompt + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadInputTokens },
  };
}

/** The body of a non-streamed completion. */
export function completionBody(identity: CompletionIdentity, response: AgentResponse) {
  return {
    id: identity.id,
    object: 'chat.completion' as const,
    created: identity.created,
    model: identity.model,
    system_fingerprint: null,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content: response.content, refusal: null },
        logprobs: null,
        finish_reason: 'stop' as const,
      },
    ],
    usage: openAiUsage(response.usage),
  };
}

/** One chunk of a streamed completion: a delta, the finish reason, or (with no choices) the usage. */
export function chunkBody(
  identity: CompletionIdentity,
  part: { delta: Record<string, string>; finish?: 'stop' } | { usage: ClaudeUsage },
) {
  const base = {
    id: identity.id,
    object: 'chat.completion.chunk' as const,
    created: identity.created,
    model: identity.model,
    system_fingerprint: null,
  };
  if ('usage' in part) return { ...base, choices: [], usage: openAiUsage(part.usage) };
  return {
    ...base,
    choices: [{ index: 0, delta: part.delta, logprobs: null, finish_reason: part.finish ?? null }],
  };
}
