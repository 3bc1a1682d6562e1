import type { ErrorReply, FakeReply, FakeUsage, TextReply, ToolUseReply } from './types.js';

/** Short constructors for FakeReply values. */
export const replies = {
  /** A text answer, streamed in deltas (default one per word). */
  text(
    text: string,
    options: { chunks?: number | string[]; delayMs?: number; usage?: FakeUsage } = {},
  ): TextReply {
    return { type: 'text', text, ...options };
  },
  /** A tool call; the CLI runs the tool and calls again with a tool_result. */
  toolUse(name: string, input: unknown, options: { id?: string; text?: string } = {}): ToolUseReply {
    return { type: 'tool_use', name, input, ...options };
  },
  /** An HTTP error answer (401, 429, 500, 529...). */
  error(status: number, options: Omit<ErrorReply, 'type' | 'status'> = {}): ErrorReply {
    return { type: 'error', status, ...options };
  },
  /** A request that never gets an answer. */
  hang(): FakeReply {
    return { type: 'hang' };
  },
  /** A connection destroyed mid-response. */
  drop(): FakeReply {
    return { type: 'drop' };
  },
};
