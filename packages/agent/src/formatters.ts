import { InvalidAgentInputError } from './errors.js';

/** Facts about a message a formatter may put into the prompt. */
export interface MessageMeta {
  userId: string;
  sessionId: string;
  /** Display name of the sender. */
  userName?: string;
  /** Where the message came from (e.g. `slack`, `discord`). */
  platform?: string;
  /** When the message arrived (epoch ms). */
  receivedAt: number;
  /** Whatever else the caller passed in `meta`. */
  [key: string]: unknown;
}

/** Turns a user's message and its meta into the prompt text. */
export type MessageFormatter = (message: string, meta: MessageMeta) => string;

/** The message as it was sent. */
const plain: MessageFormatter = (message) => message;

/** `[Alice via slack, 2025-01-31T10:00:00.000Z]: message`: lets the model tell senders and times apart. */
const withSender: MessageFormatter = (message, meta) => {
  const who = meta.userName ?? meta.userId;
  const where = meta.platform ? ` via ${meta.platform}` : '';
  return `[${who}${where}, ${new Date(meta.receivedAt).toISOString()}]: ${message}`;
};

/** The formatters that can be named in the agent's options. */
export const formatters = { plain, 'with-sender': withSender } as const;

export type FormatterName = keyof typeof formatters;

/** The formatter an option names or gives (plain by default). */
export function resolveFormatter(option: FormatterName | MessageFormatter | undefined): MessageFormatter {
  if (option === undefined) return plain;
  if (typeof option === 'function') return option;
  if (!Object.hasOwn(formatters, option)) {
    throw new InvalidAgentInputError(
      'formatter',
      `must be a function or one of ${Object.keys(formatters).join(', ')}, got ${JSON.stringify(option)}`,
    );
  }
  return formatters[option];
}

/** The prompt of a burst: its text, followed by the messages' content blocks when they carry any. */
export function burstPrompt(
  formatter: MessageFormatter,
  messages: ReadonlyArray<{
    text: string;
    meta: MessageMeta;
    attachments?: ReadonlyArray<Record<string, unknown>>;
  }>,
): string | Array<Record<string, unknown>> {
  const text = formatBurst(formatter, messages);
  const blocks = messages.flatMap((m) => m.attachments ?? []);
  return blocks.length === 0 ? text : [{ type: 'text', text }, ...blocks];
}

/** Several messages that arrived in one burst, formatted one per line. */
export function formatBurst(
  formatter: MessageFormatter,
  messages: ReadonlyArray<{ text: string; meta: MessageMeta }>,
): string {
  return messages.map((m) => formatter(m.text, m.meta)).join('\n');
}

/** The prompt with messages the CLI never saw (see `missedMessages`) before it, as context. */
export function withMissedMessages(
  prompt: string | Array<Record<string, unknown>>,
  missed: ReadonlyArray<{ role: string; content: string }>,
): string | Array<Record<string, unknown>> {
  if (missed.length === 0) return prompt;
  const lines = missed.map((message) => `${message.role}: ${message.content}`).join('\n');
  const note =
    'Earlier messages of this conversation that are not in your history (the server that answered ' +
    `them stopped before it saved them):\n${lines}\n\n`;
  return typeof prompt === 'string' ? `${note}${prompt}` : [{ type: 'text', text: note }, ...prompt];
}
