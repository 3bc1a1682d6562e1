/** What a message can ask of the bot besides an answer. */
export type BotCommand = 'reset' | 'stop';

/** The message texts that are commands (compared case-insensitively, the whole message). */
export interface CommandWords {
  /** Start over: the conversation's session is cleared (default `new`, `reset`, `/new`, `!new`). */
  reset?: string[];
  /** Stop the running answer (default `stop`, `/stop`, `!stop`). */
  stop?: string[];
}

const DEFAULT_COMMANDS: Required<CommandWords> = {
  reset: ['new', 'reset', '/new', '!new', '/reset', '!reset'],
  stop: ['stop', '/stop', '!stop'],
};

/** The command a message is, if it is one (`texts`: the message as Chat SDK gives it, and as the platform sent it). */
export function commandOf(
  texts: string | readonly string[],
  words: CommandWords = {},
): BotCommand | undefined {
  for (const text of typeof texts === 'string' ? [texts] : texts) {
    const command = commandOfText(text, words);
    if (command) return command;
  }
  return undefined;
}

function commandOfText(text: string, words: CommandWords): BotCommand | undefined {
  const said = stripLeadingMentions(text).toLowerCase();
  if ((words.stop ?? DEFAULT_COMMANDS.stop).some((word) => word.toLowerCase() === said)) return 'stop';
  if ((words.reset ?? DEFAULT_COMMANDS.reset).some((word) => word.toLowerCase() === said)) return 'reset';
  return undefined;
}

/** The text without the platform mentions it starts with (`<@U123> stop` is the command `stop`). */
export function stripLeadingMentions(text: string): string {
  return text.replace(/^(\s*(<@[^>\s]+>|@\S+))+\s*/, '').trim();
}

/** The text the platform sent, when its payload has one (`text` on Slack, `content` on Discord). */
export function platformText(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { text, content } = raw as { text?: unknown; content?: unknown };
  if (typeof text === 'string') return text;
  return typeof content === 'string' ? content : undefined;
}
