import { StringDecoder } from 'node:string_decoder';
import { ProtocolError } from './errors.js';

/**
 * Splits a byte stream into lines. No length cap: a tool result can make a single line many
 * megabytes long. Chunks of an unfinished line are kept in a list and joined once.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending: string[] = [];

  /** Feed a chunk; returns the lines it completed (without the newline). */
  push(chunk: Buffer | string): string[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const lines: string[] = [];
    let start = 0;
    let newline = text.indexOf('\n', start);
    while (newline !== -1) {
      this.pending.push(text.slice(start, newline));
      lines.push(stripCarriageReturn(this.pending.join('')));
      this.pending = [];
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    if (start < text.length) this.pending.push(text.slice(start));
    return lines;
  }

  /** The last line when the stream ended without a newline. */
  flush(): string[] {
    const rest = this.decoder.end();
    if (rest) this.pending.push(rest);
    const line = this.pending.join('');
    this.pending = [];
    return line ? [stripCarriageReturn(line)] : [];
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

// The messages the CLI prints with `--output-format stream-json --verbose`. Only the fields core
// reads are typed; every message keeps everything else the CLI sent.

export interface CliUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
  [key: string]: unknown;
}

export type CliContentBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature?: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; tool_use_id: string; content?: unknown; is_error?: boolean }
  | { type: string; [key: string]: unknown };

export interface CliSystemMessage {
  type: 'system';
  subtype: string;
  session_id?: string;
  uuid?: string;
  [key: string]: unknown;
}

export interface CliAssistantMessage {
  type: 'assistant';
  message: {
    id?: string;
    model?: string;
    role: 'assistant';
    content: CliContentBlock[];
    stop_reason?: string | null;
    usage?: CliUsage;
  };
  parent_tool_use_id: string | null;
  session_id?: string;
  uuid?: string;
  /**
   * Set when the CLI wrote the message itself to report a failure instead of an answer
   * (`authentication_failed`, `billing_error`, `rate_limit`, `invalid_request`, `server_error`, `unknown`).
   */
  error?: string;
  [key: string]: unknown;
}

export interface CliUserMessage {
  type: 'user';
  message: { role: 'user'; content: string | CliContentBlock[] };
  parent_tool_use_id: string | null;
  session_id?: string;
  uuid?: string;
  [key: string]: unknown;
}

export interface CliStreamEvent {
  type: 'stream_event';
  /** A raw Messages API stream event (message_start, content_block_delta, ...). */
  event: { type: string; [key: string]: unknown };
  parent_tool_use_id: string | null;
  session_id?: string;
  uuid?: string;
  [key: string]: unknown;
}

export interface CliPermissionDenial {
  tool_name: string;
  tool_use_id: string;
  tool_input: unknown;
}

export interface CliResultMessage {
  type: 'result';
  subtype: string;
  is_error: boolean;
  api_error_status?: number | null;
  result?: string;
  session_id: string;
  num_turns: number;
  duration_ms: number;
  duration_api_ms?: number;
  total_cost_usd?: number;
  usage?: CliUsage;
  modelUsage?: Record<string, unknown>;
  permission_denials?: CliPermissionDenial[];
  structured_output?: unknown;
  stop_reason?: string | null;
  terminal_reason?: string;
  errors?: string[];
  uuid?: string;
  [key: string]: unknown;
}

export interface CliControlRequest {
  type: 'control_request';
  request_id: string;
  request: { subtype: string; [key: string]: unknown };
}

export interface CliControlResponse {
  type: 'control_response';
  response: { subtype: 'success' | 'error'; request_id: string; error?: string; [key: string]: unknown };
}

export interface CliControlCancelRequest {
  type: 'control_cancel_request';
  request_id: string;
}

/** Anything else the CLI prints (rate_limit_event, tool_progress, ...), kept whole in `raw`. */
export interface CliOtherMessage {
  type: 'other';
  /** The `type` the CLI gave it. */
  cliType: string;
  raw: Record<string, unknown>;
}

/** One parsed stdout line of the CLI. */
export type CliMessage =
  | CliSystemMessage
  | CliAssistantMessage
  | CliUserMessage
  | CliStreamEvent
  | CliResultMessage
  | CliControlRequest
  | CliControlResponse
  | CliControlCancelRequest
  | CliOtherMessage;

const KNOWN_TYPES = new Set([
  'system',
  'assistant',
  'user',
  'stream_event',
  'result',
  'control_request',
  'control_response',
  'control_cancel_request',
]);

/** Parse one stdout line; a line that is not a JSON object with a `type` throws ProtocolError. */
export function parseCliLine(line: string): CliMessage {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new ProtocolError('the CLI printed a line that is not JSON', line, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError('the CLI printed JSON that is not an object', line);
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') throw new ProtocolError('the CLI printed a message without a type', line);
  if (KNOWN_TYPES.has(type)) return value as CliMessage;
  return { type: 'other', cliType: type, raw: value as Record<string, unknown> };
}
