import { NO_CREDENTIALS_FIX } from './credentials.js';
import {
  ApiError,
  type ClaudeError,
  ClaudeSessionNotFoundError,
  CliNotAuthenticatedError,
} from './errors.js';
import type { CliContentBlock, CliMessage, CliResultMessage, CliUsage } from './stream-json.js';

/** Token usage of a run, summed over its API calls. */
export interface ClaudeUsage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
}

/** A tool call the permission rules refused during the run. */
export interface PermissionDenial {
  toolName: string;
  toolUseId: string;
  toolInput: unknown;
}

/** The outcome of one run (one prompt, however many tool calls it took). */
export interface ChatResponse {
  /** The final answer text (or, with `outputFormat` json / stream-json, the CLI's raw output). */
  content: string;
  /** True when the run ended in an error the CLI reported as a result (e.g. max turns reached). */
  isError: boolean;
  /** How the run ended: `success`, `error_max_turns`, `error_max_budget_usd`, `error_during_execution`... */
  subtype: string;
  /** What kind of failure an error result was (absent on success); `content` then says what happened. */
  errorCode?: ResultErrorCode;
  /** The Claude session id: pass it as `resume` to continue the conversation. */
  sessionId: string;
  /** This turn's tokens. */
  usage: ClaudeUsage;
  /** This turn's cost in USD (a warm process's CLI reports its running total; this is the turn's part). */
  costUsd: number;
  durationMs: number;
  numTurns: number;
  permissionDenials: PermissionDenial[];
  /** The value validated against `jsonSchema`, when one was given. */
  structuredOutput?: unknown;
  /** The CLI's result message as it was printed. */
  raw: CliResultMessage;
}

/**
 * The kinds of error result that are answers rather than throws: the run stopped at a limit
 * (`MAX_TURNS`, `MAX_BUDGET`, `MAX_STRUCTURED_OUTPUT_RETRIES`), failed while running
 * (`EXECUTION_ERROR`), or ended in an error the CLI did not classify (`CLI_ERROR`).
 */
export type ResultErrorCode =
  | 'MAX_TURNS'
  | 'MAX_BUDGET'
  | 'MAX_STRUCTURED_OUTPUT_RETRIES'
  | 'EXECUTION_ERROR'
  | 'CLI_ERROR';

const RESULT_ERROR_CODES: Record<string, ResultErrorCode> = {
  error_max_turns: 'MAX_TURNS',
  error_max_budget_usd: 'MAX_BUDGET',
  error_max_structured_output_retries: 'MAX_STRUCTURED_OUTPUT_RETRIES',
  error_during_execution: 'EXECUTION_ERROR',
};

/** The events a caller sees while a run goes on. */
export type ClaudeEvent =
  | {
      type: 'init';
      sessionId: string;
      model: string;
      cwd: string;
      tools: string[];
      permissionMode: string;
      mcpServers: Array<{ name: string; status: string }>;
      cliVersion: string | undefined;
      raw: Record<string, unknown>;
    }
  /** A piece of answer text as the model produced it (needs `includePartialMessages`). */
  | { type: 'text_delta'; text: string; parentToolUseId: string | null }
  /** A piece of the model's thinking (needs `includePartialMessages`). */
  | { type: 'thinking_delta'; thinking: string; parentToolUseId: string | null }
  /** A whole assistant message; `text` joins its text blocks. */
  | {
      type: 'assistant';
      messageId: string | undefined;
      model: string | undefined;
      content: CliContentBlock[];
      text: string;
      parentToolUseId: string | null;
    }
  /**
   * A message the CLI wrote itself to report a failure (e.g. `authentication_failed` with "Not logged
   * in"): never the model's words. The turn's result or error follows.
   */
  | { type: 'assistant_error'; error: string; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown; parentToolUseId: string | null }
  | {
      type: 'tool_result';
      toolUseId: string;
      content: unknown;
      isError: boolean;
      parentToolUseId: string | null;
    }
  /** The CLI is about to retry a failed API call. */
  | {
      type: 'api_retry';
      attempt: number;
      maxRetries: number;
      errorStatus: number | null;
      error: string;
      retryDelayMs: number;
    }
  /** Any other CLI message: a `system` subtype, or the CLI's message type (e.g. `rate_limit_event`). */
  | { type: 'system'; subtype: string; raw: Record<string, unknown> }
  | { type: 'result'; response: ChatResponse };

export type ClaudeEventType = ClaudeEvent['type'];

const asString = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
const asNumber = (value: unknown, fallback = 0): number => (typeof value === 'number' ? value : fallback);

/** Map one CLI message to the events a caller sees (none for control messages). */
export function mapCliMessage(message: CliMessage): ClaudeEvent[] {
  switch (message.type) {
    case 'system':
      return [mapSystem(message)];
    case 'stream_event': {
      const event = message.event as {
        type: string;
        delta?: { type?: string; text?: string; thinking?: string };
      };
      if (event.type !== 'content_block_delta') return [];
      const parentToolUseId = message.parent_tool_use_id ?? null;
      if (event.delta?.type === 'text_delta') {
        return [{ type: 'text_delta', text: asString(event.delta.text), parentToolUseId }];
      }
      if (event.delta?.type === 'thinking_delta') {
        return [{ type: 'thinking_delta', thinking: asString(event.delta.thinking), parentToolUseId }];
      }
      return [];
    }
    case 'assistant': {
      const content = message.message.content ?? [];
      if (typeof message.error === 'string') {
        return [{ type: 'assistant_error', error: message.error, text: textOf(content) }];
      }
      const parentToolUseId = message.parent_tool_use_id ?? null;
      const events: ClaudeEvent[] = [
        {
          type: 'assistant',
          messageId: message.message.id,
          model: message.message.model,
          content,
          text: textOf(content),
          parentToolUseId,
        },
      ];
      for (const block of content) {
        if (block.type !== 'tool_use') continue;
        const use = block as { id: string; name: string; input: unknown };
        events.push({ type: 'tool_use', id: use.id, name: use.name, input: use.input, parentToolUseId });
      }
      return events;
    }
    case 'user': {
      const content = message.message.content;
      if (!Array.isArray(content)) return [];
      const parentToolUseId = message.parent_tool_use_id ?? null;
      return content
        .filter((block) => block.type === 'tool_result')
        .map((block) => {
          const result = block as { tool_use_id: string; content?: unknown; is_error?: boolean };
          return {
            type: 'tool_result' as const,
            toolUseId: result.tool_use_id,
            content: result.content,
            isError: result.is_error === true,
            parentToolUseId,
          };
        });
    }
    case 'result':
      return [{ type: 'result', response: toChatResponse(message) }];
    case 'other':
      return [{ type: 'system', subtype: message.cliType, raw: message.raw }];
    default:
      // Control messages belong to the session that sent the request.
      return [];
  }
}

function mapSystem(message: Extract<CliMessage, { type: 'system' }>): ClaudeEvent {
  if (message.subtype === 'init') {
    return {
      type: 'init',
      sessionId: asString(message.session_id),
      model: asString(message.model),
      cwd: asString(message.cwd),
      tools: Array.isArray(message.tools) ? (message.tools as string[]) : [],
      permissionMode: asString(message.permissionMode),
      mcpServers: Array.isArray(message.mcp_servers)
        ? (message.mcp_servers as Array<{ name: string; status: string }>)
        : [],
      cliVersion: typeof message.claude_code_version === 'string' ? message.claude_code_version : undefined,
      raw: message,
    };
  }
  if (message.subtype === 'api_retry') {
    return {
      type: 'api_retry',
      attempt: asNumber(message.attempt),
      maxRetries: asNumber(message.max_retries),
      errorStatus: typeof message.error_status === 'number' ? message.error_status : null,
      error: asString(message.error),
      retryDelayMs: Math.round(asNumber(message.retry_delay_ms)),
    };
  }
  return { type: 'system', subtype: message.subtype, raw: message };
}

function textOf(content: CliContentBlock[]): string {
  return content
    .filter((block) => block.type === 'text')
    .map((block) => (block as { text: string }).text)
    .join('');
}

function toUsage(usage: CliUsage | undefined): ClaudeUsage {
  return {
    inputTokens: asNumber(usage?.input_tokens),
    outputTokens: asNumber(usage?.output_tokens),
    cacheCreationInputTokens: asNumber(usage?.cache_creation_input_tokens),
    cacheReadInputTokens: asNumber(usage?.cache_read_input_tokens),
  };
}

/** The typed response for a CLI result message. */
export function toChatResponse(result: CliResultMessage): ChatResponse {
  const response: ChatResponse = {
    content: asString(result.result, (result.errors ?? []).join('\n')),
    isError: result.is_error === true,
    subtype: result.subtype,
    sessionId: result.session_id,
    usage: toUsage(result.usage),
    costUsd: asNumber(result.total_cost_usd),
    durationMs: asNumber(result.duration_ms),
    numTurns: asNumber(result.num_turns),
    permissionDenials: (result.permission_denials ?? []).map((denial) => ({
      toolName: denial.tool_name,
      toolUseId: denial.tool_use_id,
      toolInput: denial.tool_input,
    })),
    raw: result,
  };
  if (result.structured_output !== undefined) response.structuredOutput = result.structured_output;
  if (response.isError) response.errorCode = RESULT_ERROR_CODES[result.subtype] ?? 'CLI_ERROR';
  return response;
}

const SESSION_NOT_FOUND = /No conversation found with session ID:?\s*(\S+)/;
const API_ERROR_STATUS = /API Error:?\s*(\d{3})/;

/**
 * The error a result stands for, if any: an API failure (ApiError), a resume of an unknown session
 * (ClaudeSessionNotFoundError), or a CLI without credentials (CliNotAuthenticatedError: the turn's
 * `assistant_error` said `authentication_failed`). Other error results (max turns, budget) are
 * answers with an `errorCode`, not throws.
 */
export function resultError(result: CliResultMessage, assistantError?: string): ClaudeError | undefined {
  if (!result.is_error) return undefined;
  const messages = [...(result.errors ?? []), asString(result.result)].filter(Boolean);
  for (const text of messages) {
    const match = SESSION_NOT_FOUND.exec(text);
    if (match?.[1]) return new ClaudeSessionNotFoundError(match[1]);
  }
  const apiText = messages.find((text) => text.startsWith('API Error'));
  const status =
    typeof result.api_error_status === 'number'
      ? result.api_error_status
      : apiText
        ? Number(API_ERROR_STATUS.exec(apiText)?.[1] ?? Number.NaN)
        : Number.NaN;
  if (Number.isFinite(status) || apiText) {
    return new ApiError(Number.isFinite(status) ? status : null, apiText ?? messages.join('\n'));
  }
  if (assistantError === 'authentication_failed') {
    return new CliNotAuthenticatedError(messages.join('\n') || 'not logged in', NO_CREDENTIALS_FIX);
  }
  return undefined;
}
