import type { IncomingHttpHeaders } from 'node:http';

/** Token counts reported in message_start / message_delta; missing fields get small defaults. */
export interface FakeUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

/** A streamed (or JSON) assistant text answer, stop_reason end_turn. */
export interface TextReply {
  type: 'text';
  text: string;
  /** Number of deltas to split the text into, or the exact deltas. Default: one delta per word. */
  chunks?: number | string[];
  /** Pause before each delta after the first (ms). */
  delayMs?: number;
  usage?: FakeUsage;
}

/** An assistant tool call, stop_reason tool_use: the CLI runs the tool and calls again with its result. */
export interface ToolUseReply {
  type: 'tool_use';
  name: string;
  input: unknown;
  /** Tool use id; default a fresh `toolu_fake_...`. */
  id?: string;
  /** Text block sent before the tool_use block. */
  text?: string;
  usage?: FakeUsage;
}

/** An HTTP error answer in the Messages API error shape. */
export interface ErrorReply {
  type: 'error';
  status: number;
  /** The `error.type` field; default derived from the status (401 -> authentication_error...). */
  errorType?: string;
  message?: string;
  /** Sets `retry-after` (seconds). */
  retryAfterSeconds?: number;
  /**
   * Sets `x-should-retry`. Default: false for 4xx except 408/409/429, true otherwise (the SDK's own
   * policy). null leaves the header out, so the CLI's built-in policy decides (it retries 401s).
   */
  shouldRetry?: boolean | null;
}

/** Never answers; the request stays open until the client gives up or the server closes. */
export interface HangReply {
  type: 'hang';
}

/** Destroys the connection: after the headers and first events for streams, at once otherwise. */
export interface DropReply {
  type: 'drop';
}

export type FakeReply = TextReply | ToolUseReply | ErrorReply | HangReply | DropReply;

/** A tool_result block found in the last user message. */
export interface RecordedToolResult {
  toolUseId: string;
  /** The result content flattened to text. */
  content: string;
  isError: boolean;
}

/** One request the fake received, as parsed from the wire. */
export interface RecordedRequest {
  /** Position in the record, from 0. */
  index: number;
  /** Arrival time (ms since epoch). */
  at: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query string parameters (e.g. `beta: 'true'`). */
  query: Record<string, string>;
  /** Request headers without x-api-key / authorization. */
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined when empty or not JSON). */
  body: unknown;
  model: string | undefined;
  /** System prompt text, blocks joined with a newline. */
  system: string;
  /** The `messages` array as sent. */
  messages: FakeMessage[];
  /** Names of the tools offered, deferred ones left out. */
  tools: string[];
  /**
   * Names of the tools sent with `defer_loading: true`: not in the model's context until a tool search
   * finds them (the CLI defers MCP tools, and then adds its `DeferredToolPlaceholder`).
   */
  deferredTools: string[];
  stream: boolean;
  maxTokens: number | undefined;
  /** Text of the last user message (tool_result contents included), system reminders left out. */
  lastUserText: string;
  /** tool_result blocks of the last user message. */
  toolResults: RecordedToolResult[];
  /** Texts of every user turn in order (same flattening as lastUserText). */
  userTexts: string[];
  /** Set when this /v1/messages call is not part of the main conversation (why, in a word or two). */
  sideCall: string | undefined;
  /** What the fake answered ('text', 'tool_use', 'error', 'hang', 'drop', 'count_tokens', 'probe'...). */
  replyType: string | undefined;
}

export interface FakeMessage {
  role: 'user' | 'assistant' | string;
  content: string | FakeContentBlock[];
}

export interface FakeContentBlock {
  type: string;
  text?: string;
  content?: unknown;
  tool_use_id?: string;
  is_error?: boolean;
  [key: string]: unknown;
}

export type FakeRule = (req: RecordedRequest) => FakeReply | undefined;
