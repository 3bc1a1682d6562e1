import { z } from 'zod';
import { badRequest } from '../errors/http-error.js';
import { typeError } from '../options/zod-helpers.js';

/** The longest system prompt a request may add (the same bound as /chat's append_system_prompt). */
const SYSTEM_PROMPT_MAX_LENGTH = 20_000;

const contentPart = z.looseObject({
  type: z.string({ error: typeError('must be a string') }),
  text: z.string({ error: typeError('must be a string') }).optional(),
});

const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z
    .union([z.string(), z.array(contentPart), z.null()], {
      error: typeError('must be a string or a list of content parts'),
    })
    .optional(),
  name: z.string().optional(),
  tool_calls: z.array(z.unknown()).optional(),
});

const nonEmptyList = z.array(z.unknown()).refine((list) => list.length === 0, {
  message: 'is not supported: Claude Code runs the tools the server configures',
});

/**
 * The body of POST /v1/chat/completions. Sampling settings (temperature, top_p, max_tokens, stop,
 * seed, penalties...) and fields this server has no use for are accepted and ignored, as clients send
 * them unasked; what would change the answer's form (n > 1, tools, JSON formats, logprobs) is refused.
 */
export const completionRequestSchema = z.looseObject({
  model: z.string({ error: typeError('must be a string') }).min(1, 'must not be empty'),
  messages: z.array(message, { error: typeError('must be a list of messages') }).min(1, 'must not be empty'),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  user: z.string({ error: typeError('must be a string') }).optional(),
  n: z.literal(1, { error: 'only 1 is supported (one answer per turn)' }).nullable().optional(),
  tools: nonEmptyList.nullable().optional(),
  functions: nonEmptyList.nullable().optional(),
  logprobs: z.literal(false, { error: 'is not supported' }).nullable().optional(),
  response_format: z
    .looseObject({ type: z.literal('text', { error: 'only text is supported' }) })
    .nullable()
    .optional(),
});

export type CompletionRequest = z.output<typeof completionRequestSchema>;

/** One user or assistant message of the conversation a request carries, as plain text. */
export interface ConversationMessage {
  role: 'user' | 'assistant';
  text: string;
}

/** What a request says, split the way a turn needs it. */
export interface CompletionConversation {
  /** The system and developer messages, joined: the turn's appended system prompt. */
  system: string | undefined;
  /** The messages before the trailing user messages (what a session must already hold). */
  history: ConversationMessage[];
  /** The trailing user messages: what this turn answers. */
  latest: ConversationMessage[];
}

function textOf(content: z.output<typeof message>['content'], index: number): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part, j) => {
      if (part.type !== 'text' || part.text === undefined) {
        throw badRequest(
          `messages[${index}].content[${j}]`,
          `only text parts are supported (got ${JSON.stringify(part.type)})`,
        );
      }
      return part.text;
    })
    .join('\n');
}

/** Splits a request's messages into system prompt, history and the new user messages (400 naming the bad one). */
export function conversationOf(request: CompletionRequest): CompletionConversation {
  const system: string[] = [];
  const messages: ConversationMessage[] = [];
  request.messages.forEach((entry, index) => {
    const text = textOf(entry.content, index);
    switch (entry.role) {
      case 'system':
      case 'developer':
        system.push(text);
        return;
      case 'tool':
      case 'function':
        throw badRequest(
          `messages[${index}].role`,
          `${entry.role} messages are not supported: Claude Code runs its tools itself`,
        );
      default:
        if (entry.role === 'assistant' && entry.tool_calls !== undefined && entry.tool_calls.length > 0) {
          throw badRequest(`messages[${index}].tool_calls`, 'is not supported');
        }
        messages.push({ role: entry.role, text });
    }
  });
  let first = messages.length;
  while (first > 0 && messages[first - 1]?.role === 'user') first -= 1;
  const latest = messages.slice(first);
  if (latest.length === 0) throw badRequest('messages', 'the last message must be from the user');
  if (latest.every((entry) => entry.text.trim() === '')) {
    throw badRequest(`messages[${request.messages.length - 1}].content`, 'must not be empty');
  }
  const prompt = system.filter((text) => text.trim() !== '').join('\n\n');
  if (prompt.length > SYSTEM_PROMPT_MAX_LENGTH) {
    throw badRequest(
      'messages',
      `the system messages must be at most ${SYSTEM_PROMPT_MAX_LENGTH} characters`,
    );
  }
  return { system: prompt === '' ? undefined : prompt, history: messages.slice(0, first), latest };
}
